package io.github.pkce.loopback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link OAuthCallbackHandler}, driven through a real {@link OAuthHttpServer}
 * on the loopback interface.
 */
class OAuthCallbackHandlerTests {

	private static final String STATE = "expected-state-4f1c";

	private static final String CODE = "authorization-code-9d2e";

	private static final String VALID = "code=" + CODE + "&state=" + STATE;

	private static final Duration WAIT = Duration.ofSeconds(2);

	private static final Duration SHORT_WAIT = Duration.ofMillis(200);

	private static final String SUCCESS_TEXT = "Signed in. You can close this tab and return to the terminal.";

	private static final String ALREADY_COMPLETED_TEXT = "This sign-in has already completed; you can close this tab.";

	private OAuthHttpServer server;

	private LoopbackClient client;

	@BeforeEach
	void startServer() {
		this.server = OAuthHttpServer.start(URI.create("http://127.0.0.1:0/callback"), STATE,
				EndpointMetadata.defaults());
		this.client = new LoopbackClient(this.server.getRedirectUri());
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void validCallbackCompletesWithCodeStateAndIssuer() throws Exception {
		HttpResponse<String> response = this.client.callback(VALID + "&iss=https%3A%2F%2Fidp.example.com%2Frealm");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains(SUCCESS_TEXT).doesNotContain(CODE).doesNotContain(STATE);
		AuthorizationCode result = this.server.awaitAuthorizationCode(WAIT);
		assertThat(result.isError()).isFalse();
		assertThat(result.code()).isEqualTo(CODE);
		assertThat(result.state()).isEqualTo(STATE);
		assertThat(result.issuer()).isEqualTo("https://idp.example.com/realm");
	}

	@Test
	void acceptedCallbackIsRedirectedToAUrlWithoutCodeOrState() throws Exception {
		HttpResponse<String> redirect = this.client.notFollowingRedirects().callback(VALID);
		assertThat(redirect.statusCode()).isEqualTo(303);
		assertThat(redirect.headers().firstValue("Location")).hasValue("/callback/done");
		assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(redirect.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(redirect.body()).isEmpty();
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		HttpResponse<String> page = this.client.get("/callback/done");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains(SUCCESS_TEXT);
	}

	@Test
	void browserFollowingTheRedirectEndsOnTheCleanUrl() throws Exception {
		HttpResponse<String> response = this.client.callback(VALID);
		assertThat(response.uri()).hasToString(this.server.getRedirectUri() + "/done");
		assertThat(response.previousResponse()).hasValueSatisfying((redirect) -> {
			assertThat(redirect.statusCode()).isEqualTo(303);
			assertThat(redirect.body()).isNull();
		});
		assertThat(response.body()).contains(SUCCESS_TEXT);
	}

	@Test
	void donePageIsNotFoundBeforeTheCallback() throws Exception {
		assertThat(this.client.get("/callback/done").statusCode()).isEqualTo(404);
		assertThat(this.client.send("POST", "/callback/done", BodyPublishers.noBody()).statusCode()).isEqualTo(405);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT));
	}

	@Test
	void forgedCallbackIsAnsweredInPlaceWithoutARedirect() throws Exception {
		HttpResponse<String> rejected = this.client.notFollowingRedirects().callback("code=forged&state=forged");
		assertThat(rejected.statusCode()).isEqualTo(400);
		assertThat(rejected.headers().firstValue("Location")).isEmpty();
		assertThat(this.client.get("/callback/done").statusCode()).isEqualTo(404);
	}

	@Test
	void issuerIsNullWhenTheResponseHasNone() throws Exception {
		this.client.callback(VALID);
		assertThat(this.server.awaitAuthorizationCode(WAIT).issuer()).isNull();
	}

	@Test
	void queryIsDecodedAsFormData() throws Exception {
		this.client.callback("code=a+b%2Bc%C3%A9%26d&state=" + STATE);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo("a b+cé&d");
	}

	@Test
	void strayPathsGetNotFoundAndTheWaitGoesOn() throws Exception {
		for (String path : List.of("/favicon.ico", "/", "/callback/", "/callbackx", "/other?" + VALID)) {
			HttpResponse<String> response = this.client.get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(response.body()).as(path).contains("Not found.");
		}
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void otherMethodsGetMethodNotAllowedAndTheWaitGoesOn() throws Exception {
		for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "HEAD")) {
			HttpResponse<String> response = this.client.send(method, "/callback?" + VALID,
					BodyPublishers.ofString("x"));
			assertThat(response.statusCode()).as(method).isEqualTo(405);
			assertThat(response.headers().firstValue("Allow")).as(method).hasValue("GET");
		}
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void idleConnectionsLikeBrowserPreconnectsDoNotBlockTheCallback() throws Exception {
		List<Socket> idle = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				idle.add(new Socket(InetAddress.getByName("127.0.0.1"), this.server.getRedirectUri().getPort()));
			}
			assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
			assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		}
		finally {
			for (Socket socket : idle) {
				socket.close();
			}
		}
	}

	@Test
	void callbackFromABrowserThatLeavesAtOnceStillCompletesTheLogin() throws Exception {
		int port = this.server.getRedirectUri().getPort();
		try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
			socket.getOutputStream()
				.write(("GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
					.getBytes(StandardCharsets.UTF_8));
			socket.setSoLinger(true, 0);
		}
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void acceptedResponseCompletesTheLoginEvenWhenItsPageCannotBeSent() {
		OAuthCallbackHandler handler = new OAuthCallbackHandler("/callback", Set.of("127.0.0.1:8400"), STATE,
				EndpointMetadata.defaults());
		byte[] request = ("GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:8400\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		OutputStream disconnected = new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				throw new IOException("Broken pipe");
			}

		};
		assertThatIOException()
			.isThrownBy(() -> OAuthHttpServer.exchange(new ByteArrayInputStream(request), disconnected, handler, () -> {
			}));
		assertThat(handler.result()).isCompletedWithValueMatching((response) -> CODE.equals(response.code()));
	}

	@Test
	void wrongStateIsRejectedThenTheRightOneSucceeds() throws Exception {
		HttpResponse<String> rejected = this.client.callback("code=forged-code&state=forged-state");
		assertThat(rejected.statusCode()).isEqualTo(400);
		assertThat(rejected.body()).contains("Sign-in failed: " + PkceErrorCodes.INVALID_STATE)
			.doesNotContain("forged-code")
			.doesNotContain("forged-state")
			.doesNotContain(STATE);
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void wrongStateThenTimeoutExplainsTheRejection() throws Exception {
		this.client.callback("code=forged-code&state=forged-state");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessage("No sign-in response arrived within 200 milliseconds. Run the login again and complete it"
					+ " in the browser. 1 response was rejected because its state did not match this login (a stale"
					+ " browser tab or a forged request).")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("forged-code").doesNotContain(STATE));
	}

	@Test
	void severalRejectionsAreCountedByReason() throws Exception {
		this.client.callback("code=forged-code&state=forged-state");
		this.client.callback("code=forged-code&state=other-forged-state");
		this.client.callback("code=forged-code");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.withMessageEndingWith(" in the browser. 1 response was rejected because it had no state. 2 responses"
					+ " were rejected because their state did not match this login (stale browser tabs or forged"
					+ " requests).");
	}

	@Test
	void missingStateIsRejected() throws Exception {
		HttpResponse<String> rejected = this.client.callback("code=" + CODE);
		assertThat(rejected.statusCode()).isEqualTo(400);
		assertThat(rejected.body()).contains("Sign-in failed: " + PkceErrorCodes.INVALID_STATE).doesNotContain(CODE);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.withMessageEndingWith(" 1 response was rejected because it had no state.");
	}

	@Test
	void errorWithoutTheRightStateCannotCancelTheLogin() throws Exception {
		HttpResponse<String> rejected = this.client.callback("error=access_denied&state=forged-state");
		assertThat(rejected.statusCode()).isEqualTo(400);
		assertThat(this.client.callback("error=access_denied").statusCode()).isEqualTo(400);
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void repeatedParameterIsRejectedAndTheWaitGoesOn() throws Exception {
		for (String query : List.of("code=a&code=b&state=" + STATE, VALID + "&state=" + STATE,
				VALID + "&iss=https%3A%2F%2Fa.example&iss=https%3A%2F%2Fb.example")) {
			HttpResponse<String> rejected = this.client.callback(query);
			assertThat(rejected.statusCode()).as(query).isEqualTo(400);
			assertThat(rejected.body()).as(query)
				.contains("Sign-in failed: " + PkceErrorCodes.INVALID_RESPONSE)
				.doesNotContain(STATE);
		}
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.withMessageEndingWith(" 3 responses were rejected because they contained a parameter more than once.");
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void undecodableQueryIsRejectedAndTheWaitGoesOn() throws Exception {
		int port = this.server.getRedirectUri().getPort();
		String response = LoopbackClient.raw(port, "GET /callback?code=%zz&state=" + STATE
				+ " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 400").doesNotContain(STATE);
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void errorCallbackCompletesWithTheError() throws Exception {
		HttpResponse<String> response = this.client.callback("error=access_denied&error_description=The+user+said+no"
				+ "&error_uri=https%3A%2F%2Fidp.example.com%2Ferrors&iss=https%3A%2F%2Fidp.example.com&state=" + STATE);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("Sign-in failed: access_denied")
			.contains("The user said no")
			.doesNotContain(STATE);
		AuthorizationCode result = this.server.awaitAuthorizationCode(WAIT);
		assertThat(result.isError()).isTrue();
		assertThat(result.code()).isNull();
		assertThat(result.state()).isEqualTo(STATE);
		assertThat(result.error()).isEqualTo("access_denied");
		assertThat(result.errorDescription()).isEqualTo("The user said no");
		assertThat(result.errorUri()).isEqualTo("https://idp.example.com/errors");
		assertThat(result.issuer()).isEqualTo("https://idp.example.com");
	}

	@Test
	void errorDescriptionIsHtmlEscapedInThePage() throws Exception {
		HttpResponse<String> response = this.client
			.callback("error=%3Cb%3Ebad%3C%2Fb%3E&error_description=%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E&state="
					+ STATE);
		assertThat(response.body()).doesNotContain("<script>")
			.doesNotContain("<b>")
			.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
			.contains("&lt;b&gt;bad&lt;/b&gt;");
		assertThat(this.server.awaitAuthorizationCode(WAIT).errorDescription())
			.isEqualTo("<script>alert('x')</script>");
	}

	@Test
	void xssShapedErrorIsShownEscapedOnTheFailurePage() throws Exception {
		String attack = "\"><img src=x onerror=alert(document.domain)><script>fetch('//evil.example')</script>";
		HttpResponse<String> response = this.client.callback("error=" + encode(attack) + "&error_description="
				+ encode(attack + "&amp;") + "&error_uri=" + encode("javascript:alert(1)") + "&state=" + STATE);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("<img")
			.doesNotContain("<script")
			.doesNotContain("javascript:")
			.contains(
					"&quot;&gt;&lt;img src=x onerror=alert(document.domain)&gt;&lt;script&gt;fetch(&#39;//evil.example&#39;)&lt;/script&gt;&amp;amp;");
		assertThat(this.server.awaitAuthorizationCode(WAIT).error()).isEqualTo(attack);
	}

	@Test
	void xssShapedParametersOfAForgedCallbackAreNeverShown() throws Exception {
		String attack = "<script>alert(1)</script>";
		HttpResponse<String> response = this.client
			.callback("error=" + encode(attack) + "&error_description=" + encode(attack) + "&state=" + encode(attack));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).doesNotContain("<script").doesNotContain("alert(1)");
	}

	@Test
	void missingCodeCompletesWithAnInvalidResponseError() throws Exception {
		HttpResponse<String> response = this.client.callback("code=&state=" + STATE);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Sign-in failed: " + PkceErrorCodes.INVALID_RESPONSE)
			.contains("The authorization response has no code.");
		AuthorizationCode result = this.server.awaitAuthorizationCode(WAIT);
		assertThat(result.isError()).isTrue();
		assertThat(result.error()).isEqualTo(PkceErrorCodes.INVALID_RESPONSE);
		assertThat(result.errorDescription()).isEqualTo("The authorization response has no code.");
	}

	@Test
	void callbacksAfterCompletionAreIgnored() throws Exception {
		this.client.callback(VALID);
		for (String query : List.of("code=second-code&state=" + STATE, "code=x&state=forged-state",
				"error=access_denied&state=" + STATE)) {
			HttpResponse<String> response = this.client.callback(query);
			assertThat(response.statusCode()).as(query).isEqualTo(200);
			assertThat(response.body()).as(query).contains(ALREADY_COMPLETED_TEXT).doesNotContain(STATE);
		}
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void everyResponseCarriesTheSafetyHeadersAndNoCorsHeaders() throws Exception {
		List<HttpResponse<String>> responses = List.of(this.client.get("/favicon.ico"),
				this.client.send("POST", "/callback", BodyPublishers.noBody()),
				this.client.callback("code=x&state=forged-state"), this.client.callback(VALID),
				this.client.callback(VALID));
		for (HttpResponse<String> response : responses) {
			Map<String, List<String>> headers = response.headers().map();
			assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
			assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
			assertThat(headers.keySet()).noneMatch((name) -> name.toLowerCase().startsWith("access-control-"));
		}
	}

	@Test
	void requestsForAnotherHostNameAreRefused() throws Exception {
		int port = this.server.getRedirectUri().getPort();
		String rebound = LoopbackClient.raw(port, "GET /callback?" + VALID
				+ " HTTP/1.1\r\nHost: rebind.attacker.example:" + port + "\r\nConnection: close\r\n\r\n");
		assertThat(rebound).startsWith("HTTP/1.1 421").doesNotContain(STATE);
		String absoluteForm = LoopbackClient.raw(port, "GET http://rebind.attacker.example:" + port + "/callback?"
				+ VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
		assertThat(absoluteForm).startsWith("HTTP/1.1 421");
		String noHost = LoopbackClient.raw(port, "GET /callback?" + VALID + " HTTP/1.0\r\n\r\n");
		assertThat(noHost).startsWith("HTTP/1.1 400");
		String twoHosts = LoopbackClient.raw(port, "GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nHost: rebind.attacker.example\r\nConnection: close\r\n\r\n");
		assertThat(twoHosts).startsWith("HTTP/1.1 400");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.server.awaitAuthorizationCode(SHORT_WAIT))
			.withMessage("No sign-in response arrived within 200 milliseconds. Run the login again and complete it"
					+ " in the browser.");
		String ours = LoopbackClient.raw(port,
				"GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
		assertThat(ours).startsWith("HTTP/1.1 303");
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void overlongRequestUriIsRefusedAndTheWaitGoesOn() throws Exception {
		String padding = "x".repeat(RequestHead.MAX_SIZE);
		HttpResponse<String> response = this.client.callback(VALID + "&padding=" + padding);
		assertThat(response.statusCode()).isEqualTo(414);
		assertThat(this.client.callback(VALID).statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void requestBodyIsIgnored() throws Exception {
		HttpResponse<String> response = this.client.send("GET", "/callback?" + VALID,
				BodyPublishers.ofString("code=body-code&state=" + STATE));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void requestsAreServedByNamedDaemonThreads() throws Exception {
		this.client.callback(VALID);
		this.server.awaitAuthorizationCode(WAIT);
		assertThat(Thread.getAllStackTraces().keySet())
			.filteredOn((thread) -> thread.getName().startsWith("pkce-callback-"))
			.isNotEmpty()
			.allMatch(Thread::isDaemon);
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
