package io.github.pkce;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.pkce.browser.BrowserLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pushed authorization requests (RFC 9126) against a WireMock server, for the answers a
 * real server will not give on demand: refusals, outages, expiry. The end-to-end tests
 * cover a real server.
 */
class PushedAuthorizationRequestTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String TOKEN = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}";

	private ProviderMetadata.Builder metadata() {
		return ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize?tenant=t1"),
					URI.create(server.baseUrl() + "/token"))
			.issuer(server.baseUrl());
	}

	private ClientConfig.Builder config(ProviderMetadata metadata, ParMode mode) {
		return ClientConfig.withClientId("cli")
			.providerMetadata(metadata)
			.scopes("api", "offline_access")
			.par(mode)
			.dpop(DpopMode.NEVER)
			.authorizationParameters(Map.of("prompt", "login"))
			.loginTimeout(Duration.ofSeconds(3));
	}

	private ProviderMetadata withPar() {
		return metadata().pushedAuthorizationRequestEndpoint(URI.create(server.baseUrl() + "/par")).build();
	}

	private static void stubPushes(String... requestUris) {
		for (int i = 0; i < requestUris.length; i++) {
			server.stubFor(post("/par").inScenario("pushes")
				.whenScenarioStateIs((i == 0) ? "Started" : "push " + i)
				.willReturn(aResponse().withStatus(201)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"request_uri\":\"" + requestUris[i] + "\",\"expires_in\":60}"))
				.willSetStateTo("push " + (i + 1)));
		}
	}

	private List<LoggedRequest> pushes() {
		return server.findAll(postRequestedFor(urlEqualTo("/par")));
	}

	private static AuthorizationClient client(ClientConfig config, BrowserLauncher browser, Clock clock) {
		return AuthorizationClient.withConfig(config).browserLauncher(browser).clock(clock).prompt((text) -> {
		}).build();
	}

	@Test
	void theBrowserReceivesOnlyTheClientIdAndTheRequestUri() {
		stubPushes("urn:ietf:params:oauth:request_uri:abc");
		server.stubFor(post("/token").willReturn(okJson(TOKEN)));
		ParBrowser browser = new ParBrowser(1, null);
		Credentials credentials = client(config(withPar(), ParMode.AUTO).build(), browser, Clock.systemUTC()).login();
		assertThat(credentials.accessToken()).isEqualTo("at");
		// the browser is started at the loopback server, which sends it on
		assertThat(browser.opened.get().toString()).matches("http://127\\.0\\.0\\.1:\\d+/callback/start");
		assertThat(browser.locations).containsExactly(URI.create(server.baseUrl()
				+ "/authorize?tenant=t1&client_id=cli&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"));
		Map<String, String> pushed = CraftedCallbackBrowser.parse(pushes().get(0).getBodyAsString());
		assertThat(pushed).containsEntry("response_type", "code")
			.containsEntry("client_id", "cli")
			.containsEntry("scope", "api offline_access")
			.containsEntry("code_challenge_method", "S256")
			.containsEntry("prompt", "login")
			.containsKeys("state", "code_challenge", "redirect_uri")
			.doesNotContainKey("tenant");
		assertThat(pushes()).hasSize(1);
	}

	@Test
	void aRequestThatExpiredBeforeTheBrowserArrivedIsPushedAgain() {
		stubPushes("urn:first", "urn:second");
		server.stubFor(post("/token").willReturn(okJson(TOKEN)));
		MutableClock clock = new MutableClock();
		// the user opens the printed address two minutes late
		ParBrowser browser = new ParBrowser(1, () -> clock.advance(Duration.ofMinutes(2)));
		client(config(withPar(), ParMode.AUTO).build(), browser, clock).login();
		assertThat(pushes()).hasSize(2);
		assertThat(browser.locations.get(0).toString()).endsWith("request_uri=urn%3Asecond");
		// the same request, pushed again: same state and code challenge
		Map<String, String> first = CraftedCallbackBrowser.parse(pushes().get(0).getBodyAsString());
		Map<String, String> second = CraftedCallbackBrowser.parse(pushes().get(1).getBodyAsString());
		assertThat(second).isEqualTo(first);
	}

	@Test
	void aLoginThatTimesOutAfterTheRequestExpiredSaysSo() {
		stubPushes("urn:first");
		MutableClock clock = new MutableClock();
		BrowserLauncher signsInTooSlowly = (uri) -> {
			try {
				// the browser reaches the server, the user is slow, and the request
				// expires
				HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			clock.advance(Duration.ofMinutes(2));
			return true;
		};
		ClientConfig config = config(withPar(), ParMode.AUTO).loginTimeout(Duration.ofSeconds(1)).build();
		AuthorizationClient client = client(config, signsInTooSlowly, clock);
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessageStartingWith("No sign-in response arrived within 1 second.")
			.withMessageContaining("The pushed authorization request expired at ")
			.withMessageEndingWith("(this server keeps one for 60 s, RFC 9126): if the browser showed an error "
					+ "about the request, run the login again and sign in within that time.");
	}

	@Test
	void aLoginThatTimesOutBeforeTheRequestExpiredSaysNothingAboutIt() {
		stubPushes("urn:first");
		ClientConfig config = config(withPar(), ParMode.AUTO).loginTimeout(Duration.ofSeconds(1)).build();
		AuthorizationClient client = client(config, (uri) -> true, Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessageNotContaining("pushed authorization request");
	}

	@Test
	void aSecondVisitOfTheStartAddressGetsAFreshRequestUri() {
		stubPushes("urn:first", "urn:second");
		server.stubFor(post("/token").willReturn(okJson(TOKEN)));
		ParBrowser browser = new ParBrowser(2, null);
		client(config(withPar(), ParMode.AUTO).build(), browser, Clock.systemUTC()).login();
		assertThat(browser.locations).extracting(URI::toString)
			.satisfiesExactly((first) -> assertThat(first).endsWith("request_uri=urn%3Afirst"),
					(second) -> assertThat(second).endsWith("request_uri=urn%3Asecond"));
	}

	@Test
	void aRefusedPushFailsTheLoginBeforeTheBrowserOpens() {
		server.stubFor(post("/par").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_request\",\"error_description\":\"redirect_uri not registered\"}")));
		ParBrowser browser = new ParBrowser(1, null);
		AuthorizationClient client = client(config(withPar(), ParMode.AUTO).build(), browser, Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.PAR_FAILED))
			.withMessage("The authorization server refused the pushed authorization request: invalid_request "
					+ "(redirect_uri not registered). Check the client id, scopes and redirect URI of the client's "
					+ "registration.");
		assertThat(browser.opened.get()).isNull();
	}

	@Test
	void anUnavailablePushEndpointIsReportedAsUnavailable() {
		server.stubFor(post("/par").willReturn(aResponse().withStatus(503)));
		AuthorizationClient client = client(config(withPar(), ParMode.AUTO).build(), new ParBrowser(1, null),
				Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessage("The pushed authorization request endpoint " + server.baseUrl()
					+ "/par answered HTTP 503. Try again later.");
	}

	@Test
	void aPushAnswerWithoutRequestUriIsRejected() {
		server.stubFor(post("/par").willReturn(okJson("{\"expires_in\":60}")));
		AuthorizationClient client = client(config(withPar(), ParMode.AUTO).build(), new ParBrowser(1, null),
				Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.PAR_FAILED))
			.withMessageContaining("answered without a request_uri");
	}

	@Test
	void aFailedPushAtTheStartAddressEndsTheLoginWithItsMessage() {
		stubPushes("urn:first");
		server.stubFor(post("/par").inScenario("pushes")
			.whenScenarioStateIs("push 1")
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_request\"}")));
		ParBrowser browser = new ParBrowser(2, null);
		AuthorizationClient client = client(config(withPar(), ParMode.AUTO).build(), browser, Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.PAR_FAILED))
			.withMessageStartingWith("The authorization server refused the pushed authorization request");
	}

	@Test
	void autoDoesNotPushWithoutAnEndpoint() {
		server.stubFor(post("/token").willReturn(okJson(TOKEN)));
		CraftedCallbackBrowser browser = new CraftedCallbackBrowser(
				(request) -> List.of("code=c1&state=" + request.get("state")));
		client(config(metadata().build(), ParMode.AUTO).build(), browser, Clock.systemUTC()).login();
		assertThat(browser.requests.get(0)).containsKeys("state", "code_challenge").doesNotContainKey("request_uri");
		assertThat(pushes()).isEmpty();
	}

	@Test
	void neverDoesNotPushEvenWithAnEndpoint() {
		server.stubFor(post("/token").willReturn(okJson(TOKEN)));
		CraftedCallbackBrowser browser = new CraftedCallbackBrowser(
				(request) -> List.of("code=c1&state=" + request.get("state")));
		client(config(withPar(), ParMode.NEVER).build(), browser, Clock.systemUTC()).login();
		assertThat(browser.requests.get(0)).containsKey("code_challenge");
		assertThat(pushes()).isEmpty();
	}

	@Test
	void alwaysFailsWithoutAnEndpoint() {
		ParBrowser browser = new ParBrowser(1, null);
		AuthorizationClient client = client(config(metadata().build(), ParMode.ALWAYS).build(), browser,
				Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.PAR_FAILED))
			.withMessage(server.baseUrl() + " has no pushed authorization request endpoint (RFC 9126), but par is set "
					+ "to always. Set par to auto or never. Nothing was sent to the server.");
		assertThat(browser.opened.get()).isNull();
	}

	@Test
	void neverFailsAgainstAServerThatRequiresPushedRequests() {
		ProviderMetadata metadata = metadata().pushedAuthorizationRequestEndpoint(URI.create(server.baseUrl() + "/par"))
			.requirePushedAuthorizationRequests(true)
			.build();
		AuthorizationClient client = client(config(metadata, ParMode.NEVER).build(), new ParBrowser(1, null),
				Clock.systemUTC());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.withMessage(server.baseUrl() + " accepts only pushed authorization requests "
					+ "(require_pushed_authorization_requests), but par is set to never. Set par to auto. Nothing was "
					+ "sent to the server.");
		assertThat(pushes()).isEmpty();
	}

	/**
	 * A browser that visits the start address, reads where it is sent without going
	 * there, and then sends the callback with the pushed request's state.
	 */
	private final class ParBrowser implements BrowserLauncher {

		private final int visits;

		private final Runnable beforeVisit;

		final AtomicReference<URI> opened = new AtomicReference<>();

		final List<URI> locations = new CopyOnWriteArrayList<>();

		ParBrowser(int visits, Runnable beforeVisit) {
			this.visits = visits;
			this.beforeVisit = (beforeVisit != null) ? beforeVisit : () -> {
			};
		}

		@Override
		public boolean open(URI uri) {
			this.opened.set(uri);
			HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
			try {
				this.beforeVisit.run();
				HttpResponse<String> response = null;
				for (int i = 0; i < this.visits; i++) {
					response = http.send(HttpRequest.newBuilder(uri).GET().build(),
							HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() != 303) {
						return true;
					}
					String location = response.headers().firstValue("Location").orElseThrow();
					if (location.startsWith("/")) {
						// the login ended at the start address: follow to its page
						return true;
					}
					this.locations.add(URI.create(location));
				}
				Map<String, String> pushed = CraftedCallbackBrowser
					.parse(pushes().get(pushes().size() - 1).getBodyAsString());
				URI callback = URI.create(pushed.get("redirect_uri") + "?code=c1&state=" + pushed.get("state"));
				http.send(HttpRequest.newBuilder(callback).GET().build(), HttpResponse.BodyHandlers.discarding());
				return true;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

	}

	private static final class MutableClock extends Clock {

		private volatile Duration offset = Duration.ZERO;

		void advance(Duration duration) {
			this.offset = this.offset.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.now().plus(this.offset);
		}

	}

}
