package io.github.pkce;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientConfigStoreTests {

	private static final ClientConfig WORK = ClientConfig.withClientId("work")
		.issuerUri(URI.create("https://work.example.com"))
		.build();

	private static final ClientConfig HOME = ClientConfig.withClientId("home")
		.issuerUri(URI.create("https://home.example.com"))
		.build();

	@Test
	void configurationsAreFoundByNameInTheirOrder() {
		Map<String, ClientConfig> configs = new LinkedHashMap<>();
		configs.put("work", WORK);
		configs.put("home", HOME);
		ClientConfigStore store = ClientConfigStore.of(configs);
		configs.clear();
		assertThat(store.names()).containsExactly("work", "home");
		assertThat(store.get("home")).isSameAs(HOME);
	}

	@Test
	void unknownNameIsReportedWithTheKnownOnes() {
		ClientConfigStore store = ClientConfigStore.of(Map.of("work", WORK));
		assertThatIllegalArgumentException().isThrownBy(() -> store.get("default"))
			.withMessage("No registration named 'default'. Known registrations: work");
		assertThatIllegalArgumentException().isThrownBy(() -> ClientConfigStore.of(Map.of()).get("default"))
			.withMessage("No registration named 'default': none is configured.");
	}

	@Test
	void authenticatorsAreFoundByName() {
		PkceAuthenticator work = PkceAuthenticator.withClient(AuthorizationClient.withConfig(WORK).build()).build();
		PkceAuthenticators authenticators = PkceAuthenticators.of(Map.of("work", work));
		assertThat(authenticators.names()).containsExactly("work");
		assertThat(authenticators.get("work")).isSameAs(work);
		assertThatIllegalArgumentException().isThrownBy(() -> authenticators.get("home"))
			.withMessage("No registration named 'home'. Known registrations: work");
	}

}
