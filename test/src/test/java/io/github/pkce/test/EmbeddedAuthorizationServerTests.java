package io.github.pkce.test;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.pkce.test.OAuthTestClient.AuthorizationRequest;
import io.github.pkce.test.OAuthTestClient.Response;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

/**
 * Tests for {@link EmbeddedAuthorizationServer}, driven by {@link ScriptedBrowser} and a
 * hand-written client.
 *
 * @author pkce-spring-boot
 */
class EmbeddedAuthorizationServerTests {

	private static final Log logger = LogFactory.getLog(EmbeddedAuthorizationServerTests.class);

	private static final String SCOPE = "openid profile offline_access api";

	private static EmbeddedAuthorizationServer server;

	private static OAuthTestClient client;

	private final ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");

	@BeforeAll
	static void startServer() {
		TestLogging.routeJavaUtilLogging();
		long started = System.nanoTime();
		server = EmbeddedAuthorizationServer.builder().start();
		logger.info("First server start: " + millisSince(started) + " ms");
		client = new OAuthTestClient(server);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void discoveryDocumentsNameTheIssuerAndTheEndpoints() {
		Map<String, Object> oidc = client.getJson("/.well-known/openid-configuration");
		Map<String, Object> oauth = client.getJson("/.well-known/oauth-authorization-server");
		String issuer = server.issuer().toString();
		assertThat(issuer).isEqualTo("http://127.0.0.1:" + server.port());
		for (Map<String, Object> metadata : List.of(oidc, oauth)) {
			assertThat(metadata).containsEntry("issuer", issuer)
				.containsEntry("authorization_endpoint", issuer + "/oauth2/authorize")
				.containsEntry("token_endpoint", issuer + "/oauth2/token")
				.containsEntry("jwks_uri", issuer + "/oauth2/jwks")
				.containsEntry("revocation_endpoint", issuer + "/oauth2/revoke")
				.containsEntry("device_authorization_endpoint", issuer + "/oauth2/device_authorization");
			assertThat(metadata.get("code_challenge_methods_supported")).asInstanceOf(LIST).contains("S256");
			assertThat(metadata.get("grant_types_supported")).asInstanceOf(LIST)
				.contains("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code");
		}
		assertThat(oidc).containsEntry("userinfo_endpoint", issuer + "/userinfo");
		Response viaLocalhost = client
			.get(URI.create("http://localhost:" + server.port() + "/.well-known/openid-configuration"), null);
		assertThat(viaLocalhost.body()).containsEntry("issuer", issuer);
	}

	@Test
	void serverIgnoresTheConfigurationOfTheApplicationUnderTest() {
		Map<String, String> applicationSettings = Map.of("spring.main.web-application-type", "none", "server.port", "1",
				"server.address", "0.0.0.0", "spring.config.name", "no-such-config");
		applicationSettings.forEach(System::setProperty);
		try (EmbeddedAuthorizationServer isolated = EmbeddedAuthorizationServer.builder().deviceGrant(false).start()) {
			assertThat(isolated.port()).isNotEqualTo(1);
			assertThat(new OAuthTestClient(isolated).getJson("/.well-known/openid-configuration"))
				.containsEntry("issuer", isolated.issuer().toString());
		}
		finally {
			applicationSettings.keySet().forEach(System::clearProperty);
		}
	}

	@Test
	void takenPortFailsWithAMessageNamingIt() {
		assertThatIllegalStateException()
			.isThrownBy(() -> EmbeddedAuthorizationServer.builder().port(server.port()).start())
			.withMessageStartingWith("Could not start the embedded authorization server on port " + server.port());
	}

	@Test
	void browserLoginDeliversCodeAndStateToALoopbackPortThatWasNeverRegistered() throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			long started = System.nanoTime();
			assertThat(this.browser.open(request.uri())).isTrue();
			long signedIn = System.nanoTime();
			Map<String, String> parameters = callback.await();
			assertThat(parameters).containsEntry("state", request.state()).containsKey("code");
			Response tokens = client.exchange(parameters.get("code"), request);
			logger.info("Browser sign-in: " + millisBetween(started, signedIn) + " ms, code exchange: "
					+ millisSince(signedIn) + " ms");
			assertThat(tokens.status()).isEqualTo(200);
			assertThat(tokens.body()).containsKeys("access_token", "id_token", "refresh_token", "expires_in")
				.containsEntry("token_type", "Bearer");
			assertThat(this.browser.lastPage().url().toString()).startsWith(callback.redirectUri() + "?code=");
			assertThat(this.browser.lastPage().text()).contains("Callback received");
			assertThat(this.browser.visitedUrls()).anySatisfy((url) -> assertThat(url.getPath()).isEqualTo("/login"));
		}
	}

	@Test
	void tokensAreJwtsSignedWithTheServersKeyAndTheIdTokenCarriesTheNonce() throws Exception {
		Login login = login(SCOPE);
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(server.issuer() + "/oauth2/jwks").build();
		Jwt accessToken = decoder.decode(login.tokens().string("access_token"));
		Jwt idToken = decoder.decode(login.tokens().string("id_token"));
		assertThat(accessToken.getIssuer()).hasToString(server.issuer().toString());
		assertThat(accessToken.getSubject()).isEqualTo("alice");
		assertThat(accessToken.getAudience()).containsExactly(server.clientId());
		assertThat(accessToken.getClaimAsStringList("scope")).containsExactlyInAnyOrder("openid", "profile",
				"offline_access", "api");
		assertThat(accessToken.getExpiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(4)),
				Instant.now().plus(Duration.ofMinutes(6)));
		assertThat(idToken.getIssuer()).hasToString(server.issuer().toString());
		assertThat(idToken.getAudience()).containsExactly(server.clientId());
		assertThat(idToken.getClaimAsString("nonce")).isEqualTo(login.request().nonce());
		assertThat(idToken.getClaimAsString("preferred_username")).isEqualTo("alice");
	}

	@Test
	void refreshWithTheClientIdAloneIssuesNewTokensAndRetiresTheOldRefreshToken() throws Exception {
		Login login = login(SCOPE);
		String refreshToken = login.tokens().string("refresh_token");
		Response refreshed = client.refresh(refreshToken);
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.body()).containsKeys("access_token", "id_token", "refresh_token");
		assertThat(refreshed.string("access_token")).isNotEqualTo(login.tokens().string("access_token"));
		assertThat(refreshed.string("refresh_token")).isNotEqualTo(refreshToken);
		Response replayed = client.refresh(refreshToken);
		assertThat(replayed.status()).isEqualTo(400);
		assertThat(replayed.error()).isEqualTo("invalid_grant");
		assertThat(client.refresh(refreshed.string("refresh_token")).status()).isEqualTo(200);
	}

	@Test
	void codeExchangeNeedsTheRightVerifierAndWorksOnce() throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			this.browser.open(request.uri());
			String code = callback.await().get("code");
			Response wrongVerifier = client.exchange(code, OAuthTestClient.randomValue(), request.redirectUri());
			assertThat(wrongVerifier.status()).isEqualTo(400);
			assertThat(wrongVerifier.error()).isEqualTo("invalid_grant");
			Response noVerifier = client.post("/oauth2/token", Map.of("grant_type", "authorization_code", "code", code,
					"redirect_uri", request.redirectUri().toString(), "client_id", server.clientId()));
			assertThat(noVerifier.status()).isEqualTo(401);
			assertThat(client.exchange(code, request).status()).isEqualTo(200);
			assertThat(client.exchange(code, request).error()).isEqualTo("invalid_grant");
		}
	}

	@Test
	void tokenRequestCountCountsEveryRequestToTheTokenEndpoint() throws Exception {
		int before = server.tokenRequestCount();
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			this.browser.open(request.uri());
			String code = callback.await().get("code");
			assertThat(server.tokenRequestCount()).isEqualTo(before);
			Response tokens = client.exchange(code, request);
			client.refresh("not-a-refresh-token");
			client.refresh(tokens.string("refresh_token"));
		}
		assertThat(server.tokenRequestCount()).isEqualTo(before + 3);
	}

	@Test
	void accessTokenOpensTheProtectedResourceAndUserinfo() throws Exception {
		Login login = login(SCOPE);
		String accessToken = login.tokens().string("access_token");
		Response me = client.get(server.resourceUri(), accessToken);
		assertThat(me.status()).isEqualTo(200);
		assertThat(me.body()).containsEntry("sub", "alice");
		assertThat(me.string("scope")).contains("api", "profile");
		Response userinfo = client.get(server.issuer().resolve("/userinfo"), accessToken);
		assertThat(userinfo.status()).isEqualTo(200);
		assertThat(userinfo.body()).containsEntry("sub", "alice").containsEntry("preferred_username", "alice");
		assertThat(client.get(server.resourceUri(), null).status()).isEqualTo(401);
		assertThat(client.get(server.resourceUri(), accessToken + "x").status()).isEqualTo(401);
	}

	@Test
	void publicClientCanRevokeItsRefreshToken() throws Exception {
		Login login = login(SCOPE);
		String refreshToken = login.tokens().string("refresh_token");
		Response revoked = client.post("/oauth2/revoke",
				Map.of("token", refreshToken, "token_type_hint", "refresh_token", "client_id", server.clientId()));
		assertThat(revoked.status()).isEqualTo(200);
		assertThat(client.refresh(refreshToken).error()).isEqualTo("invalid_grant");
	}

	@Test
	void ipv6LoopbackRedirectUriIsAcceptedOnAnyPort() throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start(InetAddress.getByName("::1"), 200)) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			assertThat(request.redirectUri().getHost()).isEqualTo("[::1]");
			this.browser.open(request.uri());
			Map<String, String> parameters = callback.await();
			assertThat(parameters).containsEntry("state", request.state());
			assertThat(client.exchange(parameters.get("code"), request).status()).isEqualTo(200);
		}
	}

	@Test
	void deviceGrantCompletesWhenTheUserApprovesInTheBrowser() throws Exception {
		Response authorization = client.post("/oauth2/device_authorization",
				Map.of("client_id", server.clientId(), "scope", "profile api"));
		assertThat(authorization.status()).isEqualTo(200);
		assertThat(authorization.string("verification_uri")).isEqualTo(server.issuer() + "/activate");
		assertThat(authorization.string("verification_uri_complete"))
			.isEqualTo(server.issuer() + "/activate?user_code=" + authorization.string("user_code"));
		Map<String, String> poll = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code",
				authorization.string("device_code"), "client_id", server.clientId());
		assertThat(client.post("/oauth2/token", poll).error()).isEqualTo("authorization_pending");
		ScriptedBrowser.VisitedPage page = this.browser
			.completeDeviceAuthorization(URI.create(authorization.string("verification_uri_complete")));
		assertThat(page.url()).hasToString(server.issuer() + "/?success");
		assertThat(page.text()).contains("Device approved");
		Response tokens = client.post("/oauth2/token", poll);
		assertThat(tokens.status()).isEqualTo(200);
		assertThat(tokens.body()).containsKeys("access_token", "refresh_token");
		assertThat(OAuthTestClient.claims(tokens.string("access_token"))).containsEntry("sub", "alice");
		assertThat(client.refresh(tokens.string("refresh_token")).status()).isEqualTo(200);
	}

	@Test
	void deviceGrantAcceptsTheUserCodeTypedIntoTheVerificationPage() {
		Response authorization = client.post("/oauth2/device_authorization",
				Map.of("client_id", server.clientId(), "scope", "api"));
		ScriptedBrowser.VisitedPage page = this.browser.completeDeviceAuthorization(
				URI.create(authorization.string("verification_uri")), authorization.string("user_code"));
		assertThat(page.url()).hasToString(server.issuer() + "/?success");
		Response tokens = client.post("/oauth2/token",
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code",
						authorization.string("device_code"), "client_id", server.clientId()));
		assertThat(tokens.status()).isEqualTo(200);
	}

	@Test
	void secondServerRunsBesideTheFirstWithItsOwnSettingsAndKeys() throws Exception {
		long started = System.nanoTime();
		try (EmbeddedAuthorizationServer second = EmbeddedAuthorizationServer.builder()
			.clientId("other-cli")
			.user("bob", "secret")
			.scopes("openid", "api")
			.rotateRefreshTokens(false)
			.deviceGrant(false)
			.start()) {
			logger.info("Second server start: " + millisSince(started) + " ms");
			assertThat(second.port()).isNotEqualTo(server.port());
			assertThat(second.issuer()).isNotEqualTo(server.issuer());
			OAuthTestClient secondClient = new OAuthTestClient(second);
			assertThat(secondClient.getJson("/.well-known/openid-configuration"))
				.containsEntry("issuer", second.issuer().toString())
				.doesNotContainKey("device_authorization_endpoint");
			assertThat(secondClient.getJson("/oauth2/jwks")).isNotEqualTo(client.getJson("/oauth2/jwks"));
			try (LoopbackCallback callback = LoopbackCallback.start()) {
				AuthorizationRequest request = secondClient.authorizationRequest(callback.redirectUri(), "openid api");
				ScriptedBrowser.signingInAs("bob", "secret").open(request.uri());
				Response tokens = secondClient.exchange(callback.await().get("code"), request);
				assertThat(tokens.status()).isEqualTo(200);
				assertThat(OAuthTestClient.claims(tokens.string("id_token"))).containsEntry("sub", "bob");
				Response refreshed = secondClient.refresh(tokens.string("refresh_token"));
				assertThat(refreshed.string("refresh_token")).isEqualTo(tokens.string("refresh_token"));
			}
			assertThatExceptionOfType(ScriptedBrowserException.class)
				.isThrownBy(() -> this.browser
					.open(secondClient.authorizationRequest(URI.create("http://127.0.0.1:1/callback"), "openid").uri()))
				.withMessageContaining("Signing in as 'alice' failed");
		}
		assertThat(login(SCOPE).tokens().status()).isEqualTo(200);
	}

	private Login login(String scope) throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), scope);
			this.browser.open(request.uri());
			Map<String, String> parameters = callback.await();
			assertThat(parameters).containsEntry("state", request.state());
			return new Login(request, client.exchange(parameters.get("code"), request));
		}
	}

	private static long millisSince(long start) {
		return millisBetween(start, System.nanoTime());
	}

	private static long millisBetween(long start, long end) {
		return Duration.ofNanos(end - start).toMillis();
	}

	private record Login(AuthorizationRequest request, Response tokens) {
	}

}
