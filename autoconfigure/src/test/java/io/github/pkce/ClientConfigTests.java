package io.github.pkce;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientConfigTests {

	private static final URI ISSUER = URI.create("https://login.example.com");

	@Test
	void defaultsFollowRfc8252() {
		ClientConfig config = ClientConfig.withClientId("cli").issuerUri(ISSUER).build();
		assertThat(config.getRedirectUri()).hasToString("http://127.0.0.1:0/callback");
		assertThat(config.getLoginTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(config.getClockSkew()).isEqualTo(Duration.ofSeconds(60));
		assertThat(config.isRepeatAuthorizationParametersInTokenRequest()).isFalse();
	}

	@Test
	void scopesKeepTheirOrder() {
		ClientConfig config = ClientConfig.withClientId("cli")
			.issuerUri(ISSUER)
			.scopes("openid", "profile", "api")
			.build();
		assertThat(config.getScopes()).containsExactly("openid", "profile", "api");
	}

	@Test
	void issuerOrEndpointsAreRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClientConfig.withClientId("cli").build())
			.withMessage("Neither an issuer URI nor explicit endpoints are configured: set the issuer URI of the "
					+ "authorization server, or its authorization and token endpoints");
	}

	@Test
	void clientIdIsRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClientConfig.withClientId(" "))
			.withMessage("clientId cannot be empty");
	}

	@Test
	void nonLoopbackRedirectUriIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.redirectUri(URI.create("http://0.0.0.0:8080/callback"))
				.build())
			.withMessageStartingWith(
					"Redirect URI 'http://0.0.0.0:8080/callback' cannot be used: it is not a loopback http URI");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.redirectUri(URI.create("https://127.0.0.1/callback"))
				.build())
			.withMessageStartingWith(
					"Redirect URI 'https://127.0.0.1/callback' cannot be used: it is not a loopback http URI");
	}

	@Test
	void redirectUriWithUserInfoOrAPortAbove65535IsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.redirectUri(URI.create("http://u@127.0.0.1:0/cb"))
				.build())
			.withMessageStartingWith("Redirect URI 'http://u@127.0.0.1:0/cb' cannot be used: it has user information "
					+ "before the host, which a redirect URI cannot have; use http://127.0.0.1:0/callback");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.redirectUri(URI.create("http://127.0.0.1:70000/cb"))
				.build())
			.withMessageStartingWith(
					"Redirect URI 'http://127.0.0.1:70000/cb' cannot be used: its port 70000 is above 65535; use ");
	}

	@Test
	void loopbackRedirectUrisAreAccepted() {
		for (String uri : new String[] { "http://127.0.0.1:0/callback", "http://[::1]:8400/cb",
				"http://localhost:0/callback" }) {
			assertThat(ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.redirectUri(URI.create(uri))
				.build()
				.getRedirectUri()).hasToString(uri);
		}
	}

	@Test
	void redirectUriWithoutPortMeansAnyPort() {
		assertThat(ClientConfig.withClientId("cli")
			.issuerUri(ISSUER)
			.redirectUri(URI.create("http://127.0.0.1/callback"))
			.build()
			.getRedirectUri()).hasToString("http://127.0.0.1:0/callback");
	}

	@Test
	void nonPositiveTimeoutIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> ClientConfig.withClientId("cli").issuerUri(ISSUER).loginTimeout(Duration.ofSeconds(-1)).build())
			.withMessage("Login timeout must be positive, but was PT-1S");
	}

	@Test
	void extraParametersCannotReplaceProtocolParameters() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli")
				.issuerUri(ISSUER)
				.authorizationParameters(Map.of("state", "fixed"))
				.build())
			.withMessage("Extra authorization parameter 'state' cannot be set: the login sets it itself. Remove it "
					+ "from the configuration");
	}

	@Test
	void relativeIssuerIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.withClientId("cli").issuerUri(URI.create("login.example.com")).build())
			.withMessage(
					"Issuer URI 'login.example.com' is not an absolute http(s) URI such as https://login.example.com");
	}

	@Test
	void toStringShowsNoSecretAndCredentialsHideTokens() {
		Credentials credentials = new Credentials("access-secret", "Bearer", null, "refresh-secret", "id-secret",
				java.util.Set.of("api"));
		assertThat(credentials.toString()).doesNotContain("access-secret", "refresh-secret", "id-secret")
			.contains("[PROTECTED]");
	}

}
