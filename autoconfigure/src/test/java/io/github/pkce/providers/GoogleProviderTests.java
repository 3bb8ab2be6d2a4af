package io.github.pkce.providers;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientAuthentication;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceException;
import io.github.pkce.Provider;
import io.github.pkce.ProviderPresets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
 * Google, played from its public documentation:
 * <ul>
 * <li><a href= "https://developers.google.com/identity/protocols/oauth2/native-app">OAuth
 * 2.0 for desktop apps</a>: loopback redirect {@code http://127.0.0.1:port}, the client
 * secret in the token request, the token and refresh responses (no new refresh token on
 * refresh), revocation at {@code https://oauth2.googleapis.com/revoke};</li>
 * <li><a href=
 * "https://developers.google.com/identity/protocols/oauth2/web-server#offline">Refreshing
 * an access token (offline access)</a>: {@code access_type=offline}, and
 * {@code prompt=consent} to be given a refresh token again;</li>
 * <li><a href=
 * "https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken">Validating
 * an ID token</a>: {@code iss} is {@code https://accounts.google.com} or
 * {@code accounts.google.com};</li>
 * <li>the discovery document at
 * {@code https://accounts.google.com/.well-known/openid-configuration}.</li>
 * </ul>
 * The stub's base URL stands for {@code https://accounts.google.com} (the preset's issuer
 * overridden by {@code issuer-uri}).
 */
@ExtendWith(OutputCaptureExtension.class)
class GoogleProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String SECRET = "GOCSPX-not-a-secret-in-a-cli";

	private final ProviderStub google = new ProviderStub(server);

	@BeforeEach
	void discovery() {
		String base = this.google.base();
		this.google.discovery("/", map("issuer", base, "authorization_endpoint", base + "/o/oauth2/v2/auth",
				"device_authorization_endpoint", base + "/device/code", "token_endpoint", base + "/token",
				"userinfo_endpoint", base + "/v1/userinfo", "revocation_endpoint", base + "/revoke", "jwks_uri",
				base + "/oauth2/v3/certs", "response_types_supported", List.of("code", "token", "id_token"),
				"subject_types_supported", List.of("public"), "id_token_signing_alg_values_supported", List.of("RS256"),
				"scopes_supported", List.of("openid", "email", "profile"), "token_endpoint_auth_methods_supported",
				List.of("client_secret_post", "client_secret_basic"), "code_challenge_methods_supported",
				List.of("plain", "S256"), "grant_types_supported",
				List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code")));
		this.google.keys("/oauth2/v3/certs");
	}

	private String[] properties(String... more) {
		List<String> all = new java.util.ArrayList<>(
				List.of("auth.pkce.provider=google", "auth.pkce.client-id=123-abc.apps.googleusercontent.com",
						"auth.pkce.client-secret=" + SECRET, "auth.pkce.issuer-uri=" + this.google.base()));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private RedirectingBrowser signingIn(String issuer, boolean withRefreshToken) {
		return new RedirectingBrowser((request) -> {
			String idToken = ProviderStub.idToken(map("iss", issuer, "sub", "110169484474386276334", "aud",
					"123-abc.apps.googleusercontent.com", "azp", "123-abc.apps.googleusercontent.com", "email",
					"alice@gmail.com", "email_verified", true, "nonce", request.get("nonce")));
			server.stubFor(post("/token").withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson("{\"access_token\":\"ya29.a0\",\"expires_in\":3599,\"token_type\":\"Bearer\","
						+ "\"scope\":\"openid https://www.googleapis.com/auth/userinfo.email\","
						+ (withRefreshToken ? "\"refresh_token\":\"1//0g-refresh\"," : "") + "\"id_token\":\"" + idToken
						+ "\"}")));
			return "code=4%2F0AX4XfWh&scope=email+openid&state=" + request.get("state");
		});
	}

	@Test
	void loginAsksForOfflineAccessWithConsentOnALoopbackPortAndSendsTheSecretInTheForm() {
		RedirectingBrowser browser = signingIn(this.google.base(), true);
		ProviderApps.program(browser, properties()).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isEqualTo("1//0g-refresh");
			Map<String, String> request = browser.lastRequest();
			assertThat(browser.opened.get(0)).hasPath("/o/oauth2/v2/auth");
			assertThat(request).containsEntry("access_type", "offline")
				.containsEntry("prompt", "consent")
				.containsEntry("scope", "openid email profile")
				.containsEntry("code_challenge_method", "S256");
			// any port on the IPv4 loopback literal
			assertThat(request.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/callback");
			server.verify(postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", absent())
				.withHeader("Accept", containing("application/json"))
				.withRequestBody(containing("client_id=123-abc.apps.googleusercontent.com"))
				.withRequestBody(containing("client_secret=" + SECRET))
				.withRequestBody(containing("code_verifier=")));
			assertThat(ProviderApps.shell(context).status()).contains(
					"Signed in as alice@gmail.com (subject 110169484474386276334)", "Refresh token: present",
					"Scopes: https://www.googleapis.com/auth/userinfo.email openid");
		});
	}

	@Test
	void idTokenNamingTheIssuerWithoutSchemeIsAccepted() {
		// Google's second issuer form, accounts.google.com
		String schemeless = this.google.base().substring("http://".length());
		ProviderApps.program(signingIn(schemeless, true), properties()).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.idToken()).isNotNull();
		});
	}

	@Test
	void idTokenFromAnotherIssuerIsStillRejected() {
		ProviderApps.program(signingIn("https://accounts.example.com", true), properties()).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_id_token"));
		});
	}

	@Test
	void refreshKeepsTheRefreshTokenBecauseGoogleDoesNotRotateIt() {
		ProviderApps.program(signingIn(this.google.base(), true), properties()).run((context) -> {
			PkceAuthenticator authenticator = context.getBean(PkceAuthenticator.class);
			authenticator.login();
			server.stubFor(post("/token").withRequestBody(containing("grant_type=refresh_token"))
				.willReturn(okJson("{\"access_token\":\"ya29.a1\",\"expires_in\":3599,\"token_type\":\"Bearer\","
						+ "\"scope\":\"openid https://www.googleapis.com/auth/userinfo.email\"}")));
			Credentials refreshed = authenticator.refreshCredentials();
			assertThat(refreshed.accessToken()).isEqualTo("ya29.a1");
			assertThat(refreshed.refreshToken()).isEqualTo("1//0g-refresh");
			assertThat(refreshed.idToken()).as("the ID token of the login is kept").isNotNull();
			server.verify(postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing("refresh_token=1%2F%2F0g-refresh"))
				.withRequestBody(containing("client_secret=" + SECRET)));
		});
	}

	@Test
	void logoutRevokesTheRefreshTokenAtTheRevocationEndpoint() {
		server.stubFor(post("/revoke").willReturn(ok()));
		ProviderApps.program(signingIn(this.google.base(), true), properties()).run((context) -> {
			context.getBean(PkceAuthenticator.class).login();
			assertThat(ProviderApps.shell(context).logout())
				.containsExactly("Signed out. The refresh token was revoked at " + this.google.base() + "/revoke.");
			server.verify(postRequestedFor(urlEqualTo("/revoke"))
				.withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
				.withRequestBody(containing("token=1%2F%2F0g-refresh"))
				.withRequestBody(containing("client_secret=" + SECRET)));
			assertThat(ProviderApps.shell(context).status()).contains("Not signed in. Run 'auth login' to sign in.");
		});
	}

	@Test
	void withoutPromptConsentAMissingRefreshTokenIsExplained(CapturedOutput output) {
		// an empty value removes the preset's prompt=consent; Google then gives a refresh
		// token only at the first consent
		RedirectingBrowser browser = signingIn(this.google.base(), false);
		ProviderApps.program(browser, properties("auth.pkce.authorization-parameters.prompt=")).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isNull();
			assertThat(browser.lastRequest()).containsEntry("access_type", "offline").doesNotContainKey("prompt");
		});
		assertThat(output.getErr()).contains("Warning: the sign-in asked for offline access (access_type=offline) but "
				+ this.google.base() + " returned no refresh token, so you will have to sign in again when the "
				+ "access token expires. A server may grant offline access only when the request carries "
				+ "prompt=consent (OpenID Connect Core section 11), and some drop the scope silently otherwise: set "
				+ "the authorization parameter prompt=consent (auth.pkce.authorization-parameters.prompt=consent) and "
				+ "sign in again.");
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void missingRefreshTokenDespitePromptConsentPointsAtTheClientsSettings() {
		List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
		ClientConfig config = ProviderPresets.google("123-abc.apps.googleusercontent.com")
			.clientSecret(SECRET)
			.issuerUri(URI.create(this.google.base()))
			.build();
		AuthorizationClient client = AuthorizationClient.withConfig(config)
			.browserLauncher(signingIn(this.google.base(), false))
			.prompt(prompts::add)
			.build();
		client.login();
		assertThat(prompts).last()
			.asString()
			.contains("The request carried prompt=consent, so the server declined: check that the client may use "
					+ "refresh tokens");
	}

	@Test
	void presetIsPlainJavaAndNeverShowsTheSecret() {
		ClientConfig config = ProviderPresets.google("123-abc.apps.googleusercontent.com").clientSecret(SECRET).build();
		assertThat(config.getProvider()).isEqualTo(Provider.GOOGLE);
		assertThat(config.getIssuerUri()).hasToString("https://accounts.google.com");
		assertThat(config.getScopes()).containsExactly("openid", "email", "profile");
		assertThat(config.getAuthorizationParameters()).containsEntry("access_type", "offline")
			.containsEntry("prompt", "consent");
		assertThat(config.getClientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_POST);
		assertThat(config.hasClientSecret()).isTrue();
		assertThat(config).hasToString("ClientConfig[clientId=123-abc.apps.googleusercontent.com, "
				+ "issuerUri=https://accounts.google.com, redirectUri=http://127.0.0.1:0/callback, "
				+ "scopes=[openid, email, profile], provider=GOOGLE, clientSecret=[PROTECTED]]");
	}

}
