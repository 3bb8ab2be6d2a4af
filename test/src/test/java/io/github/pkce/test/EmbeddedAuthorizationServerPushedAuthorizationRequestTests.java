package io.github.pkce.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.pkce.test.OAuthTestClient.AuthorizationRequest;
import io.github.pkce.test.OAuthTestClient.PushedAuthorizationRequest;
import io.github.pkce.test.OAuthTestClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pushed authorization requests (RFC 9126) on {@link EmbeddedAuthorizationServer}: the
 * public client pushes, the browser follows the {@code request_uri}, and a server that
 * requires pushing refuses anything else.
 *
 * @author pkce-spring-boot
 */
class EmbeddedAuthorizationServerPushedAuthorizationRequestTests {

	private static final String SCOPE = "openid profile offline_access api";

	private static final List<String> DISCOVERY = List.of("/.well-known/openid-configuration",
			"/.well-known/oauth-authorization-server");

	private static EmbeddedAuthorizationServer server;

	private static OAuthTestClient client;

	private final ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");

	@BeforeAll
	static void startServer() {
		TestLogging.routeJavaUtilLogging();
		server = EmbeddedAuthorizationServer.builder().pushedAuthorizationRequests(true).start();
		client = new OAuthTestClient(server);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void discoveryDocumentsNameTheEndpointWithoutRequiringIt() {
		for (String path : DISCOVERY) {
			assertThat(client.getJson(path))
				.containsEntry("pushed_authorization_request_endpoint", server.issuer() + "/oauth2/par")
				.doesNotContainKey("require_pushed_authorization_requests");
		}
	}

	@Test
	void browserWithOnlyClientIdAndRequestUriGetsTheCode() throws Exception {
		int before = server.pushedAuthorizationRequestCount();
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			PushedAuthorizationRequest pushed = client.push(callback.redirectUri(), SCOPE);
			assertThat(server.pushedAuthorizationRequestCount()).isEqualTo(before + 1);
			assertThat(pushed.response().string("request_uri")).startsWith("urn:ietf:params:oauth:request_uri:");
			assertThat(((Number) pushed.response().body().get("expires_in")).longValue()).isBetween(290L, 300L);
			AuthorizationRequest request = pushed.request();
			assertThat(request.uri().getQuery()).doesNotContain("redirect_uri", "code_challenge", "scope");
			this.browser.open(request.uri());
			Map<String, String> parameters = callback.await();
			assertThat(parameters).containsEntry("state", request.state());
			Response tokens = client.exchange(parameters.get("code"), request);
			assertThat(tokens.status()).isEqualTo(200);
			assertThat(OAuthTestClient.claims(tokens.string("id_token"))).containsEntry("nonce", request.nonce());
			assertThat(OAuthTestClient.claims(tokens.string("access_token")).get("scope").toString()).contains("api");
		}
	}

	@Test
	void requestUriWorksOnce() throws Exception {
		AuthorizationRequest request;
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			request = client.push(callback.redirectUri(), SCOPE).request();
			this.browser.open(request.uri());
			assertThat(callback.await()).containsKey("code");
		}
		assertThatExceptionOfType(ScriptedBrowserException.class).isThrownBy(() -> this.browser.open(request.uri()));
		assertThat(this.browser.lastPage().statusCode()).isEqualTo(400);
	}

	@Test
	void plainAuthorizationRequestStillWorksWhenPushingIsOptional() throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			this.browser.open(request.uri());
			assertThat(client.exchange(callback.await().get("code"), request).status()).isEqualTo(200);
		}
	}

	@Test
	void pushWithAnUnregisteredRedirectUriIsRefused() {
		Response refused = client.post("/oauth2/par",
				Map.of("response_type", "code", "client_id", server.clientId(), "redirect_uri",
						"https://attacker.example/callback", "scope", "openid", "code_challenge",
						OAuthTestClient.s256("verifier"), "code_challenge_method", "S256"));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.error()).isEqualTo("invalid_request");
	}

	@Test
	void serverWithoutPushedAuthorizationRequestsDoesNotAdvertiseThem() {
		try (EmbeddedAuthorizationServer plain = EmbeddedAuthorizationServer.builder().start()) {
			OAuthTestClient plainClient = new OAuthTestClient(plain);
			for (String path : DISCOVERY) {
				assertThat(plainClient.getJson(path)).doesNotContainKeys("pushed_authorization_request_endpoint",
						"require_pushed_authorization_requests");
			}
		}
	}

	@Test
	void serverThatRequiresPushingRefusesAPlainRequestAndCompletesAPushedOneThroughConsent() throws Exception {
		try (EmbeddedAuthorizationServer strict = EmbeddedAuthorizationServer.builder()
			.requirePushedAuthorizationRequests(true)
			.requireConsent(true)
			.start()) {
			OAuthTestClient strictClient = new OAuthTestClient(strict);
			for (String path : DISCOVERY) {
				assertThat(strictClient.getJson(path)).containsEntry("require_pushed_authorization_requests", true)
					.containsEntry("pushed_authorization_request_endpoint", strict.issuer() + "/oauth2/par");
			}
			try (LoopbackCallback callback = LoopbackCallback.start()) {
				AuthorizationRequest plain = strictClient.authorizationRequest(callback.redirectUri(), SCOPE);
				assertThatExceptionOfType(ScriptedBrowserException.class)
					.isThrownBy(() -> this.browser.open(plain.uri()));
				assertThat(this.browser.lastPage().statusCode()).isEqualTo(400);
				assertThat(this.browser.visitedUrls())
					.noneSatisfy((url) -> assertThat(url.getPath()).isEqualTo("/login"));
				assertThat(callback.received()).isFalse();
				AuthorizationRequest pushed = strictClient.push(callback.redirectUri(), SCOPE).request();
				this.browser.open(pushed.uri());
				Map<String, String> parameters = callback.await();
				assertThat(parameters).containsEntry("state", pushed.state());
				// Signed in, shown the consent page, approved it.
				assertThat(this.browser.visitedUrls()).map(URI::getPath)
					.containsSubsequence("/login", "/oauth2/authorize", "/oauth2/authorize", "/callback");
				Response tokens = strictClient.exchange(parameters.get("code"), pushed);
				assertThat(tokens.status()).isEqualTo(200);
				assertThat(tokens.string("scope")).contains("api", "offline_access");
			}
			assertThat(strict.pushedAuthorizationRequestCount()).isOne();
		}
	}

	@Test
	void requestUriExpiresAfterTheConfiguredLifetime() throws Exception {
		try (EmbeddedAuthorizationServer shortLived = EmbeddedAuthorizationServer.builder()
			.pushedAuthorizationRequests(true)
			.pushedAuthorizationRequestLifetime(Duration.ofSeconds(1))
			.start()) {
			OAuthTestClient shortLivedClient = new OAuthTestClient(shortLived);
			try (LoopbackCallback callback = LoopbackCallback.start()) {
				PushedAuthorizationRequest pushed = shortLivedClient.push(callback.redirectUri(), SCOPE);
				assertThat(((Number) pushed.response().body().get("expires_in")).longValue()).isBetween(0L, 1L);
				Thread.sleep(1100);
				assertThatExceptionOfType(ScriptedBrowserException.class)
					.isThrownBy(() -> this.browser.open(pushed.request().uri()));
				assertThat(this.browser.lastPage().statusCode()).isEqualTo(400);
				assertThat(callback.received()).isFalse();
			}
		}
	}

}
