package io.github.pkce.test;

import java.text.ParseException;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link EmbeddedAuthorizationServerTest} without Spring: one server per class, shared
 * with {@code @Nested} classes, handed to test and lifecycle methods with a browser that
 * signs in as the declared user, and stopped after the class.
 */
@EmbeddedAuthorizationServerTest(username = "bob", password = "b0b-secret", clientId = "kit-cli")
class EmbeddedAuthorizationServerExtensionTests {

	private static EmbeddedAuthorizationServer serverOfTheClass;

	@BeforeAll
	static void rememberTheServer(EmbeddedAuthorizationServer server) {
		serverOfTheClass = server;
	}

	@Test
	void oneServerServesTheWholeClass(EmbeddedAuthorizationServer server) {
		assertThat(server).isSameAs(serverOfTheClass);
		assertThat(server.isRunning()).isTrue();
		assertThat(server.clientId()).isEqualTo("kit-cli");
	}

	@Test
	void browserSignsInAsTheDeclaredUser(EmbeddedAuthorizationServer server, ScriptedBrowser browser)
			throws ParseException {
		Credentials credentials = login(server, browser);
		assertThat(JWTParser.parse(credentials.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("bob");
		assertThat(browser.lastPage().url().getPath()).isEqualTo("/callback/done");
		assertThat(browser.lastPage().url().getQuery()).isNull();
	}

	@Test
	void serverStopsAfterTheClass() {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(StandaloneFixture.class))
			.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);
		assertThat(listener.getSummary().getTestsSucceededCount()).isOne();
		assertThat(StandaloneFixture.server).isNotNull();
		assertThat(StandaloneFixture.server.isRunning()).isFalse();
	}

	private static Credentials login(EmbeddedAuthorizationServer server, ScriptedBrowser browser) {
		ClientConfig config = ClientConfig.withClientId(server.clientId())
			.issuerUri(server.issuer())
			.scopes("openid", "profile")
			.build();
		return AuthorizationClient.withConfig(config).browserLauncher(browser).prompt((line) -> {
		}).build().login();
	}

	@Nested
	class WithoutAnAnnotationOfItsOwn {

		@Test
		void sharesTheServerOfTheEnclosingClass(EmbeddedAuthorizationServer server) {
			assertThat(server).isSameAs(serverOfTheClass);
		}

	}

	@Nested
	@EmbeddedAuthorizationServerTest(clientId = "nested-cli")
	class WithAnAnnotationOfItsOwn {

		@Test
		void getsAServerOfItsOwn(EmbeddedAuthorizationServer server, ScriptedBrowser browser) throws ParseException {
			assertThat(server).isNotSameAs(serverOfTheClass);
			assertThat(server.clientId()).isEqualTo("nested-cli");
			Credentials credentials = login(server, browser);
			assertThat(JWTParser.parse(credentials.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("alice");
		}

	}

	@Nested
	@EmbeddedAuthorizationServerTest(requirePushedAuthorizationRequests = true, dpop = false)
	class DeclaringPushedAuthorizationRequestsAndNoDPoP {

		@Test
		void getsAServerThatRequiresPushingAndIgnoresProofs(EmbeddedAuthorizationServer server) {
			assertThat(new OAuthTestClient(server).getJson("/.well-known/oauth-authorization-server"))
				.containsEntry("pushed_authorization_request_endpoint", server.issuer() + "/oauth2/par")
				.containsEntry("require_pushed_authorization_requests", true)
				.doesNotContainKey("dpop_signing_alg_values_supported");
		}

	}

	/**
	 * Run by {@link #serverStopsAfterTheClass()} only: static nested classes are not
	 * discovered through their enclosing class.
	 */
	@EmbeddedAuthorizationServerTest
	static class StandaloneFixture {

		static EmbeddedAuthorizationServer server;

		@Test
		void runs(EmbeddedAuthorizationServer server) {
			StandaloneFixture.server = server;
			assertThat(server.isRunning()).isTrue();
		}

	}

}
