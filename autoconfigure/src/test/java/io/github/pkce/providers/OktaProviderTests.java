package io.github.pkce.providers;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.ProviderPresets;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.pkce.providers.ProviderStub.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta, played from its public documentation:
 * <ul>
 * <li><a href="https://developer.okta.com/docs/concepts/auth-servers/">Authorization
 * servers</a>: the org authorization server (issuer {@code https://<domain>}, endpoints
 * under {@code /oauth2/v1}) and custom ones such as {@code default} (issuer
 * {@code https://<domain>/oauth2/default}, endpoints under {@code /oauth2/default/v1}),
 * each with its own discovery document;</li>
 * <li><a href=
 * "https://developer.okta.com/docs/guides/refresh-tokens/main/#refresh-token-rotation">Refresh
 * token rotation</a>: a new refresh token on every refresh, the previous one still
 * accepted during a grace period (30 seconds by default, 0 to 60);</li>
 * <li><a href= "https://developer.okta.com/docs/reference/api/oidc/#revoke">/revoke</a>,
 * and client authentication with {@code client_secret_basic} for apps that have a
 * secret.</li>
 * </ul>
 * The stub's base URL stands for {@code https://<domain>}.
 */
class OktaProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";

	private final ProviderStub okta = new ProviderStub(server);

	/**
	 * Serves the discovery document of an authorization server.
	 * @param path {@code ""} for the org authorization server, {@code /oauth2/default}
	 * for the default custom one
	 */
	private void authorizationServer(String path) {
		String issuer = this.okta.base() + path;
		String endpoints = path.isEmpty() ? this.okta.base() + "/oauth2/v1" : issuer + "/v1";
		this.okta.discovery(path.isEmpty() ? "/" : path,
				map("issuer", issuer, "authorization_endpoint", endpoints + "/authorize", "token_endpoint",
						endpoints + "/token", "userinfo_endpoint", endpoints + "/userinfo", "jwks_uri",
						endpoints + "/keys", "response_types_supported", List.of("code", "id_token", "code id_token"),
						"grant_types_supported",
						List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"),
						"subject_types_supported", List.of("public"), "id_token_signing_alg_values_supported",
						List.of("RS256"), "scopes_supported",
						List.of("openid", "profile", "email", "address", "phone", "offline_access", "device_sso"),
						"token_endpoint_auth_methods_supported",
						List.of("client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
								"none"),
						"code_challenge_methods_supported", List.of("S256"), "revocation_endpoint",
						endpoints + "/revoke", "end_session_endpoint", endpoints + "/logout",
						"device_authorization_endpoint", endpoints + "/device/authorize"));
		this.okta.keys(path.isEmpty() ? "/oauth2/v1/keys" : path + "/v1/keys");
	}

	private String[] properties(String issuerPath, String... more) {
		List<String> all = new ArrayList<>(List.of("auth.pkce.provider=okta", "auth.pkce.client-id=" + CLIENT_ID,
				"auth.pkce.issuer-uri=" + this.okta.base() + issuerPath));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private RedirectingBrowser signingIn(String issuerPath) {
		String issuer = this.okta.base() + issuerPath;
		String token = issuerPath.isEmpty() ? "/oauth2/v1/token" : issuerPath + "/v1/token";
		return new RedirectingBrowser((request) -> {
			String idToken = ProviderStub.idToken(
					map("ver", 1, "iss", issuer, "sub", "00uid4BxXw6I6TV4m0g3", "aud", CLIENT_ID, "preferred_username",
							"alice@example.com", "email", "alice@example.com", "nonce", request.get("nonce")));
			server.stubFor(post(token).withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"eyJraWQi-at\","
						+ "\"scope\":\"openid profile email offline_access\",\"refresh_token\":\"rt1-okta\","
						+ "\"id_token\":\"" + idToken + "\"}")));
			return "code=Q4KuS-code&state=" + request.get("state");
		});
	}

	@Test
	void domainGivesTheDefaultCustomAuthorizationServer() {
		ProviderApps
			.program(signingIn(""), "auth.pkce.provider=okta", "auth.pkce.client-id=" + CLIENT_ID,
					"auth.pkce.domain=dev-123456.okta.com")
			.run((context) -> {
				ClientConfig config = context.getBean(ClientConfigStore.class).get("default");
				assertThat(config.getIssuerUri()).hasToString("https://dev-123456.okta.com/oauth2/default");
				assertThat(config.getScopes()).containsExactly("openid", "profile", "email", "offline_access");
			});
	}

	@Test
	void loginAtTheDefaultCustomAuthorizationServer() {
		authorizationServer("/oauth2/default");
		RedirectingBrowser browser = signingIn("/oauth2/default");
		ProviderApps.program(browser, properties("/oauth2/default")).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isEqualTo("rt1-okta");
			assertThat(browser.opened.get(0)).hasPath("/oauth2/default/v1/authorize");
			assertThat(browser.lastRequest()).containsEntry("scope", "openid profile email offline_access");
			assertThat(ProviderApps.shell(context).status())
				.contains("Signed in as alice@example.com (subject 00uid4BxXw6I6TV4m0g3)");
		});
	}

	@Test
	void orgAuthorizationServerBySettingTheIssuerToTheDomain() {
		authorizationServer("");
		RedirectingBrowser browser = signingIn("");
		ProviderApps.program(browser, properties("")).run((context) -> {
			assertThat(context.getBean(PkceAuthenticator.class).login().idToken()).isNotNull();
			assertThat(browser.opened.get(0)).hasPath("/oauth2/v1/authorize");
		});
	}

	@Test
	void clientWithSecretAuthenticatesWithBasicAsOktaDefaults() {
		authorizationServer("/oauth2/default");
		server.stubFor(post("/oauth2/default/v1/revoke").willReturn(ok()));
		String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":okta-secret").getBytes());
		ProviderApps
			.program(signingIn("/oauth2/default"), properties("/oauth2/default", "auth.pkce.client-secret=okta-secret"))
			.run((context) -> {
				context.getBean(PkceAuthenticator.class).login();
				ProviderApps.shell(context).logout();
			});
		server
			.verify(postRequestedFor(urlEqualTo("/oauth2/default/v1/token")).withHeader("Authorization", equalTo(basic))
				.withRequestBody(notContaining("client_secret")));
		server.verify(
				postRequestedFor(urlEqualTo("/oauth2/default/v1/revoke")).withHeader("Authorization", equalTo(basic))
					.withRequestBody(containing("token=rt1-okta"))
					.withRequestBody(containing("token_type_hint=refresh_token")));
	}

	@Test
	void rotatedRefreshTokenIsAlwaysTheOneSentAndTheGracePeriodSparesAStaleCopy(@TempDir Path locks) {
		authorizationServer("/oauth2/default");
		String token = "/oauth2/default/v1/token";
		server.stubFor(post(token).inScenario("rotation")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("refresh_token=rt1-okta"))
			.willReturn(okJson(tokens("at2", "rt2-okta")))
			.willSetStateTo("rotated"));
		// within the grace period the previous refresh token still works
		server.stubFor(post(token).inScenario("rotation")
			.whenScenarioStateIs("rotated")
			.withRequestBody(containing("refresh_token=rt1-okta"))
			.willReturn(okJson(tokens("at2b", "rt2b-okta"))));
		server.stubFor(post(token).inScenario("rotation")
			.whenScenarioStateIs("rotated")
			.withRequestBody(containing("refresh_token=rt2-okta"))
			.willReturn(okJson(tokens("at3", "rt3-okta"))));
		ClientConfig config = ProviderPresets.okta(CLIENT_ID, "dev-123456.okta.com")
			.issuerUri(java.net.URI.create(this.okta.base() + "/oauth2/default"))
			.build();
		AuthorizationClient client = AuthorizationClient.withConfig(config).build();
		CredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client)
			.credentialStore(store)
			.lockDirectory(locks)
			.interactiveLogin(false)
			.build();
		store.save(authenticator.getStoreKey(), expired("rt1-okta"));
		assertThat(authenticator.accessToken()).isEqualTo("at2");
		assertThat(authenticator.refreshCredentials().refreshToken()).isEqualTo("rt3-okta");
		// a copy of the program that missed the rotation is still served during the grace
		CredentialStore stale = new InMemoryCredentialStore();
		PkceAuthenticator copy = PkceAuthenticator.withClient(client)
			.credentialStore(stale)
			.interactiveLogin(false)
			.build();
		stale.save(copy.getStoreKey(), expired("rt1-okta"));
		assertThat(copy.accessToken()).isEqualTo("at2b");
		assertThat(server
			.findAll(postRequestedFor(urlEqualTo(token)).withRequestBody(containing("refresh_token=rt2-okta"))))
			.hasSize(1);
		server.verify(postRequestedFor(urlEqualTo(token)).withHeader("Authorization", absent())
			.withRequestBody(containing("client_id=" + CLIENT_ID)));
	}

	private static String tokens(String accessToken, String refreshToken) {
		return "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"" + accessToken
				+ "\",\"scope\":\"openid offline_access\",\"refresh_token\":\"" + refreshToken + "\"}";
	}

	private static Credentials expired(String refreshToken) {
		return new Credentials("at1", "Bearer", Instant.now().minusSeconds(60), refreshToken, null,
				Set.of("openid", "offline_access"));
	}

}
