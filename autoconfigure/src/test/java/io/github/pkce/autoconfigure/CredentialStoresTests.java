package io.github.pkce.autoconfigure;

import io.github.pkce.store.StoreOptions;
import io.github.pkce.store.StoreType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CredentialStores}: the name credentials are kept under.
 */
class CredentialStoresTests {

	@Test
	void storeNameComesFirst() {
		assertThat(serviceName(store("my-cli"), "acme")).isEqualTo("my-cli");
	}

	@Test
	void blankStoreNameIsUnset() {
		assertThat(serviceName(store(" "), "acme")).isEqualTo("acme");
		assertThat(serviceName(store(""), null)).isEqualTo(StoreOptions.DEFAULT_APPLICATION_NAME);
	}

	@Test
	void storeNameThatIsNotAFileNameIsRefusedNamingTheProperty() {
		for (String name : new String[] { "acme:cli", "acme\\cli", " acme " }) {
			assertThatExceptionOfType(InvalidPkcePropertyException.class)
				.isThrownBy(() -> CredentialStores.create(store(name), "acme"))
				.satisfies((ex) -> {
					assertThat(ex.getProperty()).isEqualTo("auth.pkce.store.name");
					assertThat(ex.getValue()).isEqualTo(name);
					assertThat(ex.getReason()).startsWith("it is not a single file name");
				});
		}
	}

	@Test
	void applicationNameThatIsNotAFileNameFallsBackToTheDefault() {
		for (String applicationName : new String[] { "acme:cli", "acme/cli", " acme", "..", " " }) {
			assertThat(serviceName(store(null), applicationName)).as(applicationName)
				.isEqualTo(StoreOptions.DEFAULT_APPLICATION_NAME);
		}
	}

	@Test
	void onlyMemoryIsNotShared() {
		PkceProperties.Store store = store(null);
		for (StoreType type : StoreType.values()) {
			store.setType(type);
			assertThat(CredentialStores.isShared(store)).as(type.name()).isEqualTo(type != StoreType.MEMORY);
		}
	}

	private static PkceProperties.Store store(@Nullable String name) {
		PkceProperties.Store store = new PkceProperties.Store();
		store.setName(name);
		return store;
	}

	/**
	 * Returns the keyring service name, which is the store name; creating a keyring store
	 * opens nothing.
	 */
	private static String serviceName(PkceProperties.Store store, @Nullable String applicationName) {
		store.setType(StoreType.KEYRING);
		return io.github.pkce.store.CredentialStores.describe(CredentialStores.create(store, applicationName))
			.replaceFirst("^system keyring \\(service (.*)\\)$", "$1");
	}

}
