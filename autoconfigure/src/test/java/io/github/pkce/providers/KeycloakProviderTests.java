package io.github.pkce.providers;

import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.pkce.providers.ProviderStub.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Keycloak, played from its public documentation and sources:
 * <ul>
 * <li><a href="https://www.keycloak.org/docs/latest/securing_apps/#_oidc">OpenID Connect
 * endpoints</a>: the realm issuer {@code https://<host>/realms/<realm>}, endpoints under
 * {@code /protocol/openid-connect}, revocation at {@code .../revoke};</li>
 * <li>the discovery document advertises
 * {@code authorization_response_iss_parameter_supported: true} and the authorization
 * response carries {@code iss} and {@code session_state} (RFC 9207, Keycloak 15 and
 * later);</li>
 * <li><a href=
 * "https://www.keycloak.org/docs/latest/server_admin/#_offline-access">Offline
 * access</a>: the {@code offline_access} scope gives an offline token
 * ({@code refresh_expires_in} 0) that outlives the browser session; a refresh returns a
 * new refresh token;</li>
 * <li>loopback redirect URIs: {@code RedirectUtils} of Keycloak drops the port of a
 * {@code http://127.0.0.1} or {@code http://localhost} redirect URI before comparing it
 * with one registered without port (<a href=
 * "https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/utils/RedirectUtils.java">RedirectUtils</a>).</li>
 * </ul>
 * The stub's base URL stands for {@code https://<domain>}.
 */
class KeycloakProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String CLIENT_ID = "acme-cli";

	private final ProviderStub keycloak = new ProviderStub(server);

	private String issuer() {
		return this.keycloak.base() + "/realms/acme";
	}

	@BeforeEach
	void discovery() {
		String oidc = issuer() + "/protocol/openid-connect";
		this.keycloak.discovery("/realms/acme",
				map("issuer", issuer(), "authorization_endpoint", oidc + "/auth", "token_endpoint", oidc + "/token",
						"introspection_endpoint", oidc + "/token/introspect", "userinfo_endpoint", oidc + "/userinfo",
						"end_session_endpoint", oidc + "/logout", "jwks_uri", oidc + "/certs", "grant_types_supported",
						List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"),
						"response_types_supported", List.of("code", "none", "id_token"), "subject_types_supported",
						List.of("public", "pairwise"), "id_token_signing_alg_values_supported",
						List.of("PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384",
								"ES512", "PS256", "PS512", "RS512"),
						"code_challenge_methods_supported", List.of("plain", "S256"), "scopes_supported",
						List.of("openid", "offline_access", "profile", "email", "roles"), "revocation_endpoint",
						oidc + "/revoke", "device_authorization_endpoint", oidc + "/auth/device",
						"authorization_response_iss_parameter_supported", true));
		this.keycloak.keys("/realms/acme/protocol/openid-connect/certs");
	}

	private String[] properties(String... more) {
		List<String> all = new ArrayList<>(List.of("auth.pkce.provider=keycloak", "auth.pkce.client-id=" + CLIENT_ID,
				"auth.pkce.issuer-uri=" + issuer()));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private RedirectingBrowser signingIn(String iss) {
		return new RedirectingBrowser((request) -> {
			String idToken = ProviderStub.idToken(map("iss", issuer(), "sub", "f2c9a3e1-5b8d-4a7e-9c6f-1d2e3f4a5b6c",
					"aud", CLIENT_ID, "azp", CLIENT_ID, "typ", "ID", "preferred_username", "alice", "email",
					"alice@example.com", "nonce", request.get("nonce")));
			server.stubFor(post("/realms/acme/protocol/openid-connect/token")
				.withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson("{\"access_token\":\"eyJhbGciOi-at\",\"expires_in\":300,\"refresh_expires_in\":0,"
						+ "\"refresh_token\":\"eyJhbGciOi-offline1\",\"token_type\":\"Bearer\",\"id_token\":\""
						+ idToken + "\",\"not-before-policy\":0,\"session_state\":\"5a2b\","
						+ "\"scope\":\"openid offline_access profile email\"}")));
			return "state=" + request.get("state") + "&session_state=5a2b&iss=" + RedirectingBrowser.encode(iss)
					+ "&code=7b1c-code";
		});
	}

	@Test
	void domainAndRealmGiveTheRealmIssuer() {
		ProviderApps
			.program(signingIn(issuer()), "auth.pkce.provider=keycloak", "auth.pkce.client-id=" + CLIENT_ID,
					"auth.pkce.domain=sso.example.com", "auth.pkce.realm=acme")
			.run((context) -> {
				ClientConfig config = context.getBean(ClientConfigStore.class).get("default");
				assertThat(config.getIssuerUri()).hasToString("https://sso.example.com/realms/acme");
				assertThat(config.getScopes()).contains("offline_access");
				assertThat(config.getRedirectUri()).hasToString("http://127.0.0.1:0/callback");
			});
		ProviderApps
			.program(signingIn(issuer()), "auth.pkce.provider=keycloak", "auth.pkce.client-id=" + CLIENT_ID,
					"auth.pkce.domain=sso.example.com")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid property auth.pkce.realm: it is not set, but provider keycloak needs "
						+ "the realm to find the issuer"));
	}

	@Test
	void loginChecksTheIssInTheAuthorizationResponseAndGetsAnOfflineToken() {
		RedirectingBrowser browser = signingIn(issuer());
		ProviderApps.program(browser, properties()).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isEqualTo("eyJhbGciOi-offline1");
			assertThat(browser.lastRequest()).containsEntry("scope", "openid profile email offline_access");
			assertThat(ProviderApps.shell(context).status()).contains(
					"Signed in as alice (alice@example.com, subject f2c9a3e1-5b8d-4a7e-9c6f-1d2e3f4a5b6c)",
					"Refresh token: present");
		});
	}

	@Test
	void responseFromAnotherRealmIsRejectedBeforeTheCodeIsUsed() {
		ProviderApps.program(signingIn(this.keycloak.base() + "/realms/other"), properties()).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ISSUER));
		});
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/realms/acme/protocol/openid-connect/token"))))
			.isEmpty();
	}

	@Test
	void responseWithoutIssIsRejectedAsKeycloakAlwaysSendsIt() {
		RedirectingBrowser browser = new RedirectingBrowser(
				(request) -> "state=" + request.get("state") + "&session_state=5a2b&code=7b1c-code");
		ProviderApps.program(browser, properties()).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ISSUER))
				.withMessageContaining("has no 'iss' although " + issuer() + " always sends one");
		});
	}

	@Test
	void offlineTokenIsRefreshedAndRotated() {
		ProviderApps.program(signingIn(issuer()), properties()).run((context) -> {
			PkceAuthenticator authenticator = context.getBean(PkceAuthenticator.class);
			authenticator.login();
			server.stubFor(post("/realms/acme/protocol/openid-connect/token")
				.withRequestBody(containing("grant_type=refresh_token"))
				.willReturn(okJson("{\"access_token\":\"eyJhbGciOi-at2\",\"expires_in\":300,\"refresh_expires_in\":0,"
						+ "\"refresh_token\":\"eyJhbGciOi-offline2\",\"token_type\":\"Bearer\","
						+ "\"scope\":\"openid offline_access profile email\"}")));
			assertThat(authenticator.refreshCredentials().refreshToken()).isEqualTo("eyJhbGciOi-offline2");
			server.verify(postRequestedFor(urlEqualTo("/realms/acme/protocol/openid-connect/token"))
				.withRequestBody(containing("refresh_token=eyJhbGciOi-offline1"))
				.withRequestBody(containing("client_id=" + CLIENT_ID)));
		});
	}

	@Test
	void logoutRevokesTheOfflineToken() {
		server.stubFor(post("/realms/acme/protocol/openid-connect/revoke").willReturn(ok()));
		ProviderApps.program(signingIn(issuer()), properties()).run((context) -> {
			context.getBean(PkceAuthenticator.class).login();
			assertThat(ProviderApps.shell(context).logout()).containsExactly(
					"Signed out. The refresh token was revoked at " + issuer() + "/protocol/openid-connect/revoke.");
			server.verify(postRequestedFor(urlEqualTo("/realms/acme/protocol/openid-connect/revoke"))
				.withRequestBody(containing("token=eyJhbGciOi-offline1"))
				.withRequestBody(containing("token_type_hint=refresh_token")));
		});
	}

}
