package io.github.pkce.test;

import java.net.InetAddress;
import java.net.URI;
import java.util.Map;

import io.github.pkce.test.OAuthTestClient.AuthorizationRequest;
import io.github.pkce.test.OAuthTestClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ScriptedBrowser} against an {@link EmbeddedAuthorizationServer} that
 * asks for consent.
 *
 * @author pkce-spring-boot
 */
class ScriptedBrowserTests {

	private static final String SCOPE = "openid profile api";

	private static EmbeddedAuthorizationServer server;

	private static OAuthTestClient client;

	@BeforeAll
	static void startServer() {
		TestLogging.routeJavaUtilLogging();
		server = EmbeddedAuthorizationServer.builder()
			.requireConsent(true)
			.user("alice", "password")
			.user("carol", "letmein")
			.user("dave", "hunter2")
			.start();
		client = new OAuthTestClient(server);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void approvingBrowserGrantsEveryRequestedScopeOnTheConsentPage() throws Exception {
		ScriptedBrowser browser = ScriptedBrowser.signingInAs("carol", "letmein");
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			assertThat(browser.open(request.uri())).isTrue();
			Map<String, String> parameters = callback.await();
			assertThat(parameters).containsEntry("state", request.state());
			Response tokens = client.exchange(parameters.get("code"), request);
			assertThat(tokens.status()).isEqualTo(200);
			assertThat(tokens.string("scope")).contains("openid", "profile", "api");
			assertThat(OAuthTestClient.claims(tokens.string("access_token"))).containsEntry("sub", "carol");
			assertThat(browser.visitedUrls())
				.anySatisfy((url) -> assertThat(url.getPath()).isEqualTo("/oauth2/authorize"))
				.last()
				.satisfies((url) -> assertThat(url.getPort()).isEqualTo(callback.redirectUri().getPort()));
			assertThat(browser.openedUris()).containsExactly(request.uri());
		}
	}

	@Test
	void denyingBrowserLeadsToAccessDeniedAtTheCallback() throws Exception {
		ScriptedBrowser browser = ScriptedBrowser.denyingConsent("alice", "password");
		int tokenRequests = server.tokenRequestCount();
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			assertThat(browser.open(request.uri())).isTrue();
			assertThat(callback.await()).containsEntry("error", "access_denied")
				.containsEntry("state", request.state())
				.doesNotContainKey("code");
		}
		assertThat(server.tokenRequestCount()).isEqualTo(tokenRequests);
	}

	@Test
	void errorPageAtTheRedirectTargetStillCountsAsArrival() throws Exception {
		ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");
		try (LoopbackCallback callback = LoopbackCallback.start(InetAddress.getByName("127.0.0.1"), 500)) {
			assertThat(browser.open(client.authorizationRequest(callback.redirectUri(), SCOPE).uri())).isTrue();
			assertThat(browser.lastPage().statusCode()).isEqualTo(500);
			assertThat(browser.lastPage().toString()).doesNotContain("code=");
		}
	}

	@Test
	void wrongPasswordFailsWithAMessageNamingTheUser() throws Exception {
		ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "wrong");
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			URI uri = client.authorizationRequest(callback.redirectUri(), SCOPE).uri();
			assertThatExceptionOfType(ScriptedBrowserException.class).isThrownBy(() -> browser.open(uri))
				.withMessage("Signing in as 'alice' failed: the login form came back at " + server.issuer()
						+ "/login. Check the user name and password.");
			assertThat(callback.received()).isFalse();
		}
	}

	@Test
	void unregisteredRedirectUriStopsTheBrowserAtTheServer() {
		ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");
		URI uri = client.authorizationRequest(URI.create("http://localhost:1/callback"), SCOPE).uri();
		assertThatExceptionOfType(ScriptedBrowserException.class).isThrownBy(() -> browser.open(uri))
			.withMessageContaining("the browser stopped at " + server.issuer() + "/oauth2/authorize (HTTP 400)")
			.withMessageNotContaining("state=");
	}

	@Test
	void browserRefusesNonLoopbackHosts() {
		ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");
		assertThatExceptionOfType(ScriptedBrowserException.class)
			.isThrownBy(() -> browser.open(URI.create("http://example.com/oauth2/authorize?client_id=x")))
			.withMessageContaining("not a loopback address");
	}

	@Test
	void lastPageIsUnavailableBeforeTheFirstCall() {
		assertThatIllegalStateException().isThrownBy(() -> ScriptedBrowser.signingInAs("alice", "password").lastPage());
	}

	@Test
	void refusedDeviceConsentIsReportedToThePollingDevice() {
		// A user with no consent on record: Spring Authorization Server keeps earlier
		// consents and then treats an empty answer as approval.
		Response authorization = client.post("/oauth2/device_authorization",
				Map.of("client_id", server.clientId(), "scope", "profile api"));
		ScriptedBrowser browser = ScriptedBrowser.denyingConsent("dave", "hunter2");
		ScriptedBrowser.VisitedPage page = browser
			.completeDeviceAuthorization(URI.create(authorization.string("verification_uri_complete")));
		assertThat(page.url().getQuery()).isNull();
		assertThat(browser.visitedUrls()).anySatisfy((url) -> assertThat(url.getPath()).isEqualTo("/login"));
		Response poll = client.post("/oauth2/token",
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code",
						authorization.string("device_code"), "client_id", server.clientId()));
		assertThat(poll.status()).isEqualTo(400);
		assertThat(poll.error()).isEqualTo("access_denied");
	}

}
