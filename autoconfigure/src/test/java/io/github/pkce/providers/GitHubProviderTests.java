package io.github.pkce.providers;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.pkce.AccessTokenNotFoundException;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.DeviceAuthorizationClient;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceException;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.ProviderPresets;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * GitHub (OAuth apps and GitHub Apps), played from its public documentation:
 * <ul>
 * <li><a href=
 * "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps">Authorizing
 * OAuth apps</a>: no OpenID Connect; the token endpoint answers
 * {@code access_token=...&scope=repo%2Cgist&token_type=bearer} unless asked for JSON with
 * {@code Accept: application/json}; OAuth-app tokens carry no {@code expires_in}; a
 * loopback callback accepts any port; the device flow at {@code /login/device/code}; the
 * user from {@code GET https://api.github.com/user};</li>
 * <li><a href=
 * "https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors">Troubleshooting
 * access token request errors</a>: errors such as {@code bad_verification_code} come with
 * HTTP 200, and so do the device flow's {@code authorization_pending} (as in
 * <a href="https://github.com/octokit/octokit.rb/issues/347">octokit/octokit.rb#347</a>,
 * where the error is read as a successful resource);</li>
 * <li><a href=
 * "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens">Refreshing
 * user access tokens</a>: GitHub App user tokens expire after 8 hours and come with a
 * refresh token that rotates; a dead one gives {@code bad_refresh_token};</li>
 * <li><a href=
 * "https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication">PKCE
 * support</a> (S256).</li>
 * </ul>
 * The stub's base URL stands for both {@code https://github.com} and
 * {@code https://api.github.com}.
 */
class GitHubProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String CLIENT_ID = "Ov23liAbCdEfGh123456";

	private static final String SECRET = "5f6e7d8c-shipped-with-the-cli";

	private static final String TOKEN = "/login/oauth/access_token";

	private String base() {
		return server.baseUrl();
	}

	private String[] properties(String... more) {
		List<String> all = new ArrayList<>(List.of("auth.pkce.provider=github", "auth.pkce.client-id=" + CLIENT_ID,
				"auth.pkce.client-secret=" + SECRET, "auth.pkce.scopes=repo,gist",
				"auth.pkce.authorization-uri=" + base() + "/login/oauth/authorize",
				"auth.pkce.token-uri=" + base() + TOKEN, "auth.pkce.user-info-uri=" + base() + "/user"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private ClientConfig config() {
		ProviderMetadata endpoints = ProviderMetadata
			.withEndpoints(URI.create(base() + "/login/oauth/authorize"), URI.create(base() + TOKEN))
			.deviceAuthorizationEndpoint(URI.create(base() + "/login/device/code"))
			.userInfoEndpoint(URI.create(base() + "/user"))
			.build();
		return ProviderPresets.github(CLIENT_ID).providerMetadata(endpoints).clientSecret(SECRET).build();
	}

	/**
	 * The token endpoint as documented: form-encoded by default, JSON when asked.
	 */
	private static void tokenEndpoint(String grant, String json, String form) {
		server.stubFor(post(TOKEN).atPriority(5)
			.withRequestBody(containing("grant_type=" + grant))
			.willReturn(aResponse().withHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				.withBody(form)));
		server.stubFor(post(TOKEN).atPriority(1)
			.withRequestBody(containing("grant_type=" + grant))
			.withHeader("Accept", containing("application/json"))
			.willReturn(okJson(json)));
	}

	private static void user() {
		server.stubFor(
				get("/user").withHeader("Authorization", equalTo("Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a"))
					.willReturn(okJson("{\"login\":\"octocat\",\"id\":1,\"node_id\":\"MDQ6VXNlcjE=\",\"type\":\"User\","
							+ "\"name\":\"monalisa octocat\",\"email\":\"octocat@github.com\"}")));
	}

	private static RedirectingBrowser signingIn() {
		return new RedirectingBrowser((request) -> "code=a1b2c3d4e5f6a7b8c9d0&state=" + request.get("state"));
	}

	@Test
	void loginAsksForJsonSendsTheSecretAndShowsTheUserFromTheApi() {
		tokenEndpoint("authorization_code",
				"{\"access_token\":\"gho_16C7e42F292c6912E7710c838347Ae178B4a\",\"scope\":\"repo,gist\","
						+ "\"token_type\":\"bearer\"}",
				"access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer");
		user();
		RedirectingBrowser browser = signingIn();
		ProviderApps.program(browser, properties()).run((context) -> {
			ShellCommands shell = ProviderApps.shell(context);
			assertThat(shell.login()).containsExactly("Signed in as octocat.");
			Map<String, String> request = browser.lastRequest();
			assertThat(browser.opened.get(0)).hasPath("/login/oauth/authorize");
			assertThat(request).containsEntry("client_id", CLIENT_ID)
				.containsEntry("scope", "repo gist")
				.containsEntry("code_challenge_method", "S256")
				.doesNotContainKey("nonce");
			assertThat(request.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/callback");
			server.verify(postRequestedFor(urlEqualTo(TOKEN)).withHeader("Accept", containing("application/json"))
				.withRequestBody(containing("client_secret=" + SECRET))
				.withRequestBody(containing("code_verifier=")));
			List<String> status = shell.status();
			assertThat(status).contains("Signed in as octocat (octocat@github.com, subject 1)",
					"Access token: present, with no expiry given by the server", "Refresh token: none",
					"Scopes: gist repo");
			assertThat(String.join("\n", status)).doesNotContain("expired");
			server.verify(getRequestedFor(urlEqualTo("/user")).withHeader("Accept", containing("application/json")));
		});
	}

	@Test
	void tokenWithoutExpiryIsUsedAsLongAsTheServerAcceptsIt() {
		CredentialStore store = new InMemoryCredentialStore();
		Clock yearLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(365));
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(AuthorizationClient.withConfig(config()).build())
			.credentialStore(store)
			.clock(yearLater)
			.interactiveLogin(false)
			.build();
		store.save(authenticator.getStoreKey(), new Credentials("gho_16C7e42F292c6912E7710c838347Ae178B4a", "bearer",
				null, null, null, Set.of("repo")));
		assertThat(authenticator.accessToken()).isEqualTo("gho_16C7e42F292c6912E7710c838347Ae178B4a");
		assertThat(authenticator.credentials().isValidAt(yearLater.instant(), Duration.ofMinutes(1))).isTrue();
		assertThat(server.findAll(postRequestedFor(urlEqualTo(TOKEN)))).isEmpty();
	}

	@Test
	void errorAnsweredWithStatus200IsAnError() {
		server.stubFor(post(TOKEN).willReturn(okJson("{\"error\":\"bad_verification_code\",\"error_description\":"
				+ "\"The code passed is incorrect or expired.\",\"error_uri\":\"https://docs.github.com/apps/managing-"
				+ "oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code\"}")));
		AuthorizationClient client = AuthorizationClient.withConfig(config())
			.browserLauncher(signingIn())
			.prompt((text) -> {
			})
			.build();
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"))
			.withMessage("The token endpoint refused the exchange: invalid_grant, bad_verification_code (The code "
					+ "passed is incorrect or expired.). Run the login again.");
	}

	@Test
	void wrongClientSecretAnsweredWithStatus200SaysWhatToCheck() {
		server.stubFor(post(TOKEN).willReturn(okJson("{\"error\":\"incorrect_client_credentials\","
				+ "\"error_description\":\"The client_id and/or client_secret passed are incorrect.\"}")));
		AuthorizationClient client = AuthorizationClient.withConfig(config())
			.browserLauncher(signingIn())
			.prompt((text) -> {
			})
			.build();
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_client"))
			.withMessageEndingWith("Check the client id and the client secret.")
			.withMessageNotContaining(SECRET);
	}

	@Test
	void deviceFlowPollsThroughPendingAnswersGivenWithStatus200() {
		server.stubFor(post("/login/device/code").withHeader("Accept", containing("application/json"))
			.willReturn(
					okJson("{\"device_code\":\"3584d83530557fdd1f46af8289938c8ef79f9dc5\",\"user_code\":\"WDJB-MJHT\","
							+ "\"verification_uri\":\"https://github.com/login/device\",\"expires_in\":900,\"interval\":5}")));
		String device = "urn:ietf:params:oauth:grant-type:device_code";
		server.stubFor(post(TOKEN).inScenario("device")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing(
					"grant_type=" + java.net.URLEncoder.encode(device, java.nio.charset.StandardCharsets.UTF_8)))
			.willReturn(okJson("{\"error\":\"authorization_pending\",\"error_description\":\"The authorization request "
					+ "is still pending.\",\"error_uri\":\"https://docs.github.com/developers/apps/authorizing-oauth-apps"
					+ "#error-codes-for-the-device-flow\"}"))
			.willSetStateTo("approved"));
		server
			.stubFor(post(TOKEN).inScenario("device")
				.whenScenarioStateIs("approved")
				.willReturn(okJson(
						"{\"access_token\":\"gho_16C7e42F292c6912E7710c838347Ae178B4a\",\"token_type\":\"bearer\","
								+ "\"scope\":\"repo,gist\"}")));
		List<String> prompts = new CopyOnWriteArrayList<>();
		List<Duration> waits = new CopyOnWriteArrayList<>();
		DeviceAuthorizationClient client = DeviceAuthorizationClient.withConfig(config())
			.prompt(prompts::add)
			.sleeper(waits::add)
			.build();
		Credentials credentials = client.login();
		assertThat(credentials.accessToken()).isEqualTo("gho_16C7e42F292c6912E7710c838347Ae178B4a");
		assertThat(credentials.expiresAt()).isNull();
		assertThat(credentials.scopes()).containsExactlyInAnyOrder("repo", "gist");
		assertThat(waits).hasSize(2);
		assertThat(prompts.get(0)).contains("https://github.com/login/device", "WDJB-MJHT");
		assertThat(server.findAll(postRequestedFor(urlEqualTo(TOKEN)))).hasSize(2)
			.allSatisfy((request) -> assertThat(request.getBodyAsString()).contains("client_id=" + CLIENT_ID)
				.contains("device_code=3584d83530557fdd1f46af8289938c8ef79f9dc5"));
	}

	@Test
	void gitHubAppUserTokensExpireAndTheirRefreshTokensRotate() {
		server.stubFor(post(TOKEN).inScenario("app")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("refresh_token=ghr_1B4a2e77838347a7E420ce178F2E7c6912E1"))
			.willReturn(okJson("{\"access_token\":\"ghu_16C7e42F292c6912E7710c838347Ae178B4a\",\"expires_in\":28800,"
					+ "\"refresh_token\":\"ghr_2C5b3f88949458b8F531df289G3F8d7a23F2\",\"refresh_token_expires_in\":15811200,"
					+ "\"scope\":\"\",\"token_type\":\"bearer\"}"))
			.willSetStateTo("rotated"));
		server.stubFor(post(TOKEN).inScenario("app")
			.whenScenarioStateIs("rotated")
			.willReturn(okJson("{\"error\":\"bad_refresh_token\",\"error_description\":\"The refresh token passed is "
					+ "incorrect or expired.\"}")));
		CredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(AuthorizationClient.withConfig(config()).build())
			.credentialStore(store)
			.interactiveLogin(false)
			.build();
		store.save(authenticator.getStoreKey(), new Credentials("ghu_old", "bearer", Instant.now().minusSeconds(10),
				"ghr_1B4a2e77838347a7E420ce178F2E7c6912E1", null, Set.of()));
		Credentials refreshed = authenticator.credentials();
		assertThat(refreshed.refreshToken()).isEqualTo("ghr_2C5b3f88949458b8F531df289G3F8d7a23F2");
		assertThat(refreshed.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(7)));
		server.verify(postRequestedFor(urlEqualTo(TOKEN)).withRequestBody(containing("grant_type=refresh_token"))
			.withRequestBody(containing("client_secret=" + SECRET)));
		// GitHub's bad_refresh_token, given with HTTP 200, is invalid_grant: the token is
		// dropped
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(authenticator::refreshCredentials)
			.withMessage("The sign-in has expired or was revoked (invalid_grant). Sign in again.");
		assertThat(store.load(authenticator.getStoreKey()).refreshToken()).isNull();
	}

	@Test
	void statusSaysWhenTheApiRejectsTheToken() {
		tokenEndpoint("authorization_code",
				"{\"access_token\":\"gho_revoked\",\"scope\":\"\",\"token_type\":\"bearer\"}",
				"access_token=gho_revoked&scope=&token_type=bearer");
		server.stubFor(get(urlPathEqualTo("/user")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}")));
		ProviderApps.program(signingIn(), properties()).run((context) -> {
			ShellCommands shell = ProviderApps.shell(context);
			assertThat(shell.login()).containsExactly("Signed in.");
			assertThat(shell.status()).contains("Signed in (who could not be read: " + base()
					+ "/user answered HTTP 401: the access token was rejected)");
		});
	}

	@Test
	void logoutIsLocalAndSaysWhereToRevoke() {
		tokenEndpoint("authorization_code",
				"{\"access_token\":\"gho_16C7e42F292c6912E7710c838347Ae178B4a\",\"scope\":\"repo,gist\","
						+ "\"token_type\":\"bearer\"}",
				"access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer");
		user();
		ProviderApps.program(signingIn(), properties()).run((context) -> {
			ProviderApps.shell(context).login();
			assertThat(ProviderApps.shell(context).logout()).containsExactly("Signed out locally. The authorization "
					+ "server has no revocation endpoint, so the tokens stay valid there until they expire. To revoke "
					+ "the authorization, open https://github.com/settings/applications.");
		});
	}

	@Test
	void presetUsesGitHubsEndpointsAndEnterpriseServerByDomain() {
		ProviderApps.program(signingIn(), "auth.pkce.provider=github", "auth.pkce.client-id=" + CLIENT_ID)
			.run((context) -> {
				ProviderMetadata endpoints = context.getBean(ClientConfigStore.class)
					.get("default")
					.getProviderMetadata();
				assertThat(endpoints.getAuthorizationEndpoint())
					.hasToString("https://github.com/login/oauth/authorize");
				assertThat(endpoints.getTokenEndpoint()).hasToString("https://github.com/login/oauth/access_token");
				assertThat(endpoints.getDeviceAuthorizationEndpoint())
					.hasToString("https://github.com/login/device/code");
				assertThat(endpoints.getUserInfoEndpoint()).hasToString("https://api.github.com/user");
				assertThat(endpoints.getJwkSetUri()).isNull();
			});
		ProviderMetadata enterprise = ProviderPresets.github(CLIENT_ID, "github.example.com")
			.build()
			.getProviderMetadata();
		assertThat(enterprise.getTokenEndpoint()).hasToString("https://github.example.com/login/oauth/access_token");
		assertThat(enterprise.getUserInfoEndpoint()).hasToString("https://github.example.com/api/v3/user");
	}

}
