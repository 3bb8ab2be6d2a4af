package io.github.pkce.providers;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.pkce.AccessTokenNotFoundException;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import io.github.pkce.ProviderPresets;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
 * Auth0, played from its public documentation:
 * <ul>
 * <li><a href=
 * "https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce/call-your-api-using-the-authorization-code-flow-with-pkce">Call
 * your API using the Authorization Code Flow with PKCE</a>: {@code audience} on the
 * authorization request, {@code offline_access} for a refresh token;</li>
 * <li>the discovery document at
 * {@code https://<domain>/.well-known/openid-configuration}, whose issuer ends with a
 * slash, as the {@code iss} of ID tokens does;</li>
 * <li><a href=
 * "https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation">Refresh
 * token rotation</a>: each refresh returns a new refresh token; reusing an old one
 * (automatic reuse detection) invalidates the whole family, and the token endpoint
 * answers {@code 403 Forbidden} with {@code invalid_grant} "Unknown or invalid refresh
 * token." (as seen in <a href=
 * "https://github.com/auth0/Auth0.Android/issues/334">auth0/Auth0.Android#334</a>);</li>
 * <li><a href="https://auth0.com/docs/api/authentication#revoke-refresh-token">Revoke
 * refresh token</a> at {@code /oauth/revoke}.</li>
 * </ul>
 * The stub's base URL with a slash stands for {@code https://<domain>/}.
 */
class Auth0ProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String CLIENT_ID = "Xf4kN8q2bLw0cZ1yT7vR";

	private static final String AUDIENCE = "https://api.example.com";

	private final ProviderStub auth0 = new ProviderStub(server);

	private String issuer() {
		return this.auth0.base() + "/";
	}

	@BeforeEach
	void discovery() {
		String base = this.auth0.base();
		this.auth0.discovery("/", map("issuer", issuer(), "authorization_endpoint", base + "/authorize",
				"token_endpoint", base + "/oauth/token", "device_authorization_endpoint", base + "/oauth/device/code",
				"userinfo_endpoint", base + "/userinfo", "jwks_uri", base + "/.well-known/jwks.json",
				"revocation_endpoint", base + "/oauth/revoke", "scopes_supported",
				List.of("openid", "profile", "offline_access", "name", "email"), "response_types_supported",
				List.of("code", "token", "id_token"), "code_challenge_methods_supported", List.of("S256", "plain"),
				"subject_types_supported", List.of("public"), "token_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt"),
				"id_token_signing_alg_values_supported", List.of("HS256", "RS256", "PS256"), "end_session_endpoint",
				base + "/oidc/logout"));
		this.auth0.keys("/.well-known/jwks.json");
	}

	private String[] properties(String issuerUri, String... more) {
		List<String> all = new ArrayList<>(List.of("auth.pkce.provider=auth0", "auth.pkce.client-id=" + CLIENT_ID,
				"auth.pkce.issuer-uri=" + issuerUri, "auth.pkce.audience=" + AUDIENCE));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private RedirectingBrowser signingIn() {
		return new RedirectingBrowser((request) -> {
			String idToken = ProviderStub.idToken(
					map("iss", issuer(), "sub", "auth0|64f1a2b3c4d5e6f708192a3b", "aud", CLIENT_ID, "nickname", "alice",
							"name", "alice@example.com", "email", "alice@example.com", "nonce", request.get("nonce")));
			server.stubFor(post("/oauth/token").withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson("{\"access_token\":\"eyJhbGciOi-at\",\"refresh_token\":\"v1.M-rt1\",\"id_token\":\""
						+ idToken + "\",\"scope\":\"openid profile email offline_access\",\"expires_in\":86400,"
						+ "\"token_type\":\"Bearer\"}")));
			return "code=AuthCodeValue&state=" + request.get("state");
		});
	}

	@Test
	void domainGivesTheIssuerWithItsTrailingSlash() {
		ProviderApps
			.program(signingIn(), "auth.pkce.provider=auth0", "auth.pkce.client-id=" + CLIENT_ID,
					"auth.pkce.domain=dev-abc123.us.auth0.com")
			.run((context) -> assertThat(context.getBean(ClientConfigStore.class).get("default").getIssuerUri())
				.hasToString("https://dev-abc123.us.auth0.com/"));
		assertThat(ProviderPresets.auth0(CLIENT_ID, "login.example.com").build().getIssuerUri())
			.hasToString("https://login.example.com/");
	}

	@Test
	void issuerWithoutTheTrailingSlashIsRefusedWithAdvice() {
		ProviderApps.program(signingIn(), properties(this.auth0.base())).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_METADATA))
				.withMessageContaining(
						"names issuer '" + issuer() + "', not the configured issuer '" + this.auth0.base() + "'")
				.withMessageEndingWith("(including any trailing slash).");
		});
	}

	@Test
	void loginSendsTheAudienceAndAsksForOfflineAccess() {
		RedirectingBrowser browser = signingIn();
		ProviderApps.program(browser, properties(issuer())).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isEqualTo("v1.M-rt1");
			assertThat(browser.lastRequest()).containsEntry("audience", AUDIENCE)
				.containsEntry("scope", "openid profile email offline_access");
			assertThat(ProviderApps.shell(context).status()).contains(
					"Signed in as alice@example.com (subject auth0|64f1a2b3c4d5e6f708192a3b)",
					"Refresh token: present");
		});
	}

	@Test
	void refreshTokenRefusedWithForbiddenIsRecognisedAsInvalidGrant() {
		server.stubFor(post("/oauth/token").willReturn(forbidden()));
		AuthorizationClient client = AuthorizationClient.withConfig(config()).build();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("v1.M-rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"))
			.withMessage("The token endpoint refused the refresh: invalid_grant (Unknown or invalid refresh token.). "
					+ "Sign in again.");
	}

	@Test
	void secondAuthenticatorUsesTheRefreshStoredByTheFirst(@TempDir Path locks) {
		rotationWithReuseDetection();
		CredentialStore shared = new InMemoryCredentialStore();
		AuthorizationClient client = AuthorizationClient.withConfig(config()).build();
		PkceAuthenticator first = process(client, shared, locks);
		PkceAuthenticator second = process(client, shared, locks);
		shared.save(first.getStoreKey(), expired("v1.M-rt1"));
		assertThat(first.accessToken()).isEqualTo("at2");
		// one after the other: the second finds the rotated token in the shared store, so
		// reuse detection never fires (SharedStoreAcrossProcessesTests overlaps
		// processes)
		assertThat(second.accessToken()).isEqualTo("at2");
		assertThat(refreshes()).isOne();
		assertThat(shared.load(first.getStoreKey()).refreshToken()).isEqualTo("v1.M-rt2");
	}

	@Test
	void reusedRefreshTokenRevokesTheWholeFamily(@TempDir Path locks) {
		rotationWithReuseDetection();
		AuthorizationClient client = AuthorizationClient.withConfig(config()).build();
		CredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator current = process(client, store, locks);
		store.save(current.getStoreKey(), expired("v1.M-rt1"));
		assertThat(current.accessToken()).isEqualTo("at2");
		// a copy that kept the old refresh token, outside the shared store and lock
		CredentialStore stale = new InMemoryCredentialStore();
		PkceAuthenticator copy = process(client, stale, locks.resolve("elsewhere"));
		stale.save(copy.getStoreKey(), expired("v1.M-rt1"));
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(copy::accessToken)
			.withMessage("The sign-in has expired or was revoked (invalid_grant). Sign in again.");
		// Auth0 revoked the family: the current refresh token is dead too
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(current::refreshCredentials)
			.withMessage("The sign-in has expired or was revoked (invalid_grant). Sign in again.");
		assertThat(store.load(current.getStoreKey()).refreshToken()).isNull();
	}

	@Test
	void logoutRevokesTheRefreshToken() {
		server.stubFor(post("/oauth/revoke").willReturn(ok()));
		ProviderApps.program(signingIn(), properties(issuer())).run((context) -> {
			context.getBean(PkceAuthenticator.class).login();
			assertThat(ProviderApps.shell(context).logout()).containsExactly(
					"Signed out. The refresh token was revoked at " + this.auth0.base() + "/oauth/revoke.");
			server.verify(postRequestedFor(urlEqualTo("/oauth/revoke")).withRequestBody(containing("token=v1.M-rt1"))
				.withRequestBody(containing("client_id=" + CLIENT_ID)));
		});
	}

	private ClientConfig config() {
		return ProviderPresets.auth0(CLIENT_ID, "dev-abc123.us.auth0.com")
			.issuerUri(URI.create(issuer()))
			.audience(AUDIENCE)
			.build();
	}

	private static PkceAuthenticator process(AuthorizationClient client, CredentialStore store, Path locks) {
		return PkceAuthenticator.withClient(client)
			.credentialStore(store)
			.lockDirectory(locks)
			.interactiveLogin(false)
			.build();
	}

	private static Credentials expired(String refreshToken) {
		return new Credentials("at1", "Bearer", Instant.now().minusSeconds(60), refreshToken, null,
				Set.of("openid", "offline_access"));
	}

	/**
	 * Rotation with automatic reuse detection: rt1 gives rt2 once; rt1 used again revokes
	 * the family, after which every refresh token of it is refused.
	 */
	private static void rotationWithReuseDetection() {
		server.stubFor(post("/oauth/token").inScenario("family")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("refresh_token=v1.M-rt1"))
			.willReturn(okJson("{\"access_token\":\"at2\",\"refresh_token\":\"v1.M-rt2\",\"scope\":\"openid "
					+ "offline_access\",\"expires_in\":86400,\"token_type\":\"Bearer\"}"))
			.willSetStateTo("rotated"));
		server.stubFor(post("/oauth/token").inScenario("family")
			.whenScenarioStateIs("rotated")
			.withRequestBody(containing("refresh_token=v1.M-rt1"))
			.willReturn(forbidden())
			.willSetStateTo("revoked"));
		server
			.stubFor(post("/oauth/token").inScenario("family").whenScenarioStateIs("revoked").willReturn(forbidden()));
	}

	private static ResponseDefinitionBuilder forbidden() {
		return aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}");
	}

	private static int refreshes() {
		return server
			.findAll(postRequestedFor(urlEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")))
			.size();
	}

}
