package io.github.pkce.providers;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.ProviderMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A strict OpenID provider that follows OpenID Connect Core section 11 to the letter: it
 * grants {@code offline_access} only when the request carries {@code prompt=consent}, and
 * otherwise drops the scope silently
 * (<a href= "https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess">Offline
 * Access</a>; node-oidc-provider behaves so). The login then tells the user why there is
 * no refresh token and what to set.
 */
class OfflineAccessWarningTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private final List<String> prompts = new CopyOnWriteArrayList<>();

	private AuthorizationClient client(Map<String, String> parameters) {
		ProviderMetadata endpoints = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/auth"), URI.create(server.baseUrl() + "/token"))
			.issuer(server.baseUrl())
			.build();
		ClientConfig config = ClientConfig.withClientId("cli")
			.providerMetadata(endpoints)
			.scopes("api", "offline_access")
			.authorizationParameters(parameters)
			.build();
		return AuthorizationClient.withConfig(config)
			.browserLauncher(new RedirectingBrowser((request) -> "code=c1&state=" + request.get("state")))
			.prompt(this.prompts::add)
			.build();
	}

	@Test
	void loginWithoutRefreshTokenSaysToSetPromptConsent() {
		server.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"at\",\"token_type\":\"Bearer\"," + "\"expires_in\":300,\"scope\":\"api\"}")));
		assertThat(client(Map.of()).login().refreshToken()).isNull();
		assertThat(this.prompts).last()
			.isEqualTo("Warning: the sign-in asked for offline access (scope offline_access) but " + server.baseUrl()
					+ " returned no refresh token, so you will have to sign in again when the access token expires. A "
					+ "server may grant offline access only when the request carries prompt=consent (OpenID Connect "
					+ "Core section 11), and some drop the scope silently otherwise: set the authorization parameter "
					+ "prompt=consent (auth.pkce.authorization-parameters.prompt=consent) and sign in again.");
	}

	@Test
	void loginThatGotARefreshTokenSaysNothingMore() {
		server.stubFor(post("/token").willReturn(okJson("{\"access_token\":\"at\",\"token_type\":\"Bearer\","
				+ "\"expires_in\":300,\"refresh_token\":\"rt\",\"scope\":\"api offline_access\"}")));
		assertThat(client(Map.of("prompt", "consent")).login().refreshToken()).isEqualTo("rt");
		assertThat(this.prompts).noneMatch((text) -> text.startsWith("Warning"));
	}

}
