package io.github.pkce.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the limits of {@link OAuthHttpServer}: what a local client that floods the
 * port, holds connections open or sends oversized or malformed requests achieves. In
 * every test the real callback arrives last and must still be served. No test asserts how
 * long anything takes: only generous bounds, so that a slow machine cannot fail them.
 */
class OAuthHttpServerLimitsTests {

	private static final String STATE = "expected-state-4f1c";

	private static final String CODE = "authorization-code-9d2e";

	private static final String VALID = "code=" + CODE + "&state=" + STATE;

	private static final Duration WAIT = Duration.ofSeconds(20);

	private OAuthHttpServer server;

	private LoopbackClient client;

	private int port;

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeEach
	void startServer() {
		this.server = OAuthHttpServer.start(URI.create("http://127.0.0.1:0/callback"), STATE,
				EndpointMetadata.defaults());
		this.client = new LoopbackClient(this.server.getRedirectUri());
		this.port = this.server.getRedirectUri().getPort();
	}

	@AfterEach
	void closeEverything() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.server.close();
	}

	@Test
	void idleConnectionsAndSlowlorisClientsCannotKeepTheCallbackOut() throws Exception {
		for (int i = 0; i < 200; i++) {
			this.sockets.add(connect());
		}
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger rounds = new AtomicInteger();
		List<Socket> slow = new ArrayList<>();
		for (int i = 0; i < 2 * OAuthHttpServer.MAX_CONNECTIONS; i++) {
			Socket socket = connect();
			this.sockets.add(socket);
			slow.add(socket);
		}
		// One byte per connection and round: never a complete request, never idle for
		// long.
		byte[] request = ("GET /callback?code=forged&state=forged HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
				+ "\r\nX-Padding: " + "a".repeat(4000))
			.getBytes(StandardCharsets.US_ASCII);
		CompletableFuture<Void> slowloris = CompletableFuture.runAsync(() -> {
			for (int round = 0; round < 2000 && running.get(); round++) {
				for (Socket socket : slow) {
					try {
						socket.getOutputStream().write(request[round % request.length]);
					}
					catch (IOException ex) {
						// evicted: the server has moved on, as it should
					}
				}
				rounds.incrementAndGet();
				sleep(20);
			}
		});
		try {
			while (rounds.get() < 3 && !slowloris.isDone()) {
				sleep(10);
			}
			HttpResponse<String> response = this.client.callback(VALID);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("Signed in.");
			assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		}
		finally {
			running.set(false);
			slowloris.get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void connectionsHeldWithHalfARequestGiveWayToNewOnes() throws Exception {
		for (int i = 0; i < 3 * OAuthHttpServer.MAX_CONNECTIONS; i++) {
			Socket socket = connect();
			socket.getOutputStream().write("GET /callback?code=forged".getBytes(StandardCharsets.US_ASCII));
			this.sockets.add(socket);
		}
		String response = LoopbackClient.raw(this.port, request("/callback?" + VALID));
		assertThat(response).startsWith("HTTP/1.1 303");
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void oversizedRequestLineIsRefusedAndTheServerStillServes() throws Exception {
		String target = "/callback?" + VALID + "&padding=" + "x".repeat(RequestHead.MAX_SIZE);
		assertThat(LoopbackClient.raw(this.port, request(target))).startsWith("HTTP/1.1 414 URI Too Long\r\n");
		assertCallbackStillServed();
	}

	@Test
	void oversizedHeaderSectionIsRefusedAndTheServerStillServes() throws Exception {
		StringBuilder headers = new StringBuilder();
		for (int i = 0; headers.length() <= RequestHead.MAX_SIZE; i++) {
			headers.append("X-Header-").append(i).append(": ").append("v".repeat(100)).append("\r\n");
		}
		String response = LoopbackClient.raw(this.port,
				"GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\n" + headers + "\r\n");
		assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
		assertCallbackStillServed();
	}

	@Test
	void endlessHeaderLineIsRefused() throws Exception {
		String response = LoopbackClient.raw(this.port,
				"GET /callback HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nX: " + "y".repeat(10_000));
		assertThat(response).startsWith("HTTP/1.1 431 ");
		assertCallbackStillServed();
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET /callback?%s HTTP/1.1\r\nHost : 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n folded\r\n\r\n",
			"GET /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\rX: y\r\n\r\n",
			"GET /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX: a\u0000b\r\n\r\n",
			"GET  /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s HTTP/1.1 extra\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s\r\nHost: 127.0.0.1:%d\r\n\r\n", "G(T /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s#top HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET https://127.0.0.1/callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s HTTP/1.1\r\n: empty name\r\nHost: 127.0.0.1:%d\r\n\r\n",
			"GET /callback?%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nNo colon\r\n\r\n" })
	void malformedRequestsAreRefusedAndTheServerStillServes(String template) throws Exception {
		String response = LoopbackClient.raw(this.port, template.formatted(VALID, this.port));
		assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").doesNotContain(STATE);
		assertCallbackStillServed();
	}

	@Test
	void requestTargetWithNonAsciiCharactersIsRefused() throws Exception {
		try (Socket socket = connect()) {
			socket.getOutputStream()
				.write(("GET /callback?code=\u00e9&state=" + STATE + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
						+ "\r\n\r\n")
					.getBytes(StandardCharsets.UTF_8));
			assertThat(readAll(socket)).startsWith("HTTP/1.1 400 ");
		}
		assertCallbackStillServed();
	}

	@Test
	void otherHttpVersionIsRefused() throws Exception {
		assertThat(LoopbackClient.raw(this.port,
				"GET /callback?" + VALID + " HTTP/2.0\r\nHost: 127.0.0.1:" + this.port + "\r\n\r\n"))
			.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n");
		assertCallbackStillServed();
	}

	@Test
	void requestCutOffBeforeItsEndIsRefused() throws Exception {
		try (Socket socket = connect()) {
			socket.getOutputStream()
				.write(("GET /callback?" + VALID + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			socket.shutdownOutput();
			assertThat(readAll(socket)).startsWith("HTTP/1.1 400 ");
		}
		assertCallbackStillServed();
	}

	@Test
	void connectionClosedWithoutAnyByteIsIgnored() throws Exception {
		try (Socket socket = connect()) {
			socket.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.shutdownOutput();
			assertThat(readAll(socket)).isEmpty();
		}
		assertCallbackStillServed();
	}

	@Test
	void bareLineFeedsAndEmptyLinesBeforeTheRequestAreAccepted() throws Exception {
		String response = LoopbackClient.raw(this.port,
				"\r\n\nGET /callback?" + VALID + " HTTP/1.1\nHost: 127.0.0.1:" + this.port + "\n\n");
		assertThat(response).startsWith("HTTP/1.1 303 ");
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void absoluteFormRequestForOurAuthorityIsServed() throws Exception {
		String response = LoopbackClient.raw(this.port, "GET http://127.0.0.1:" + this.port + "/callback?" + VALID
				+ " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 303 ");
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void everyResponseEndsItsConnection() throws Exception {
		for (String target : List.of("/favicon.ico", "/callback?code=x&state=forged", "/callback?" + VALID,
				"/callback/done")) {
			try (Socket socket = connect()) {
				// Keep-alive asked for, and a second request pipelined: neither is
				// honoured.
				socket.getOutputStream()
					.write((request(target).replace("Connection: close", "Connection: keep-alive")
							+ request("/favicon.ico"))
						.getBytes(StandardCharsets.US_ASCII));
				String response = readAll(socket);
				assertThat(response).as(target).contains("\r\nConnection: close\r\n");
				assertThat(response.split("HTTP/1.1 ", -1)).as(target).hasSize(2);
			}
		}
	}

	@Test
	void headRequestGetsHeadersOnly() throws Exception {
		String response = LoopbackClient.raw(this.port,
				"HEAD /callback HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 405 ").endsWith("\r\n\r\n").contains("\r\nAllow: GET\r\n");
	}

	@Test
	void requestBodyOfARefusedMethodIsReadAndDropped() throws Exception {
		String body = "code=body-code&state=" + STATE + "&" + "p".repeat(32 * 1024);
		String response = LoopbackClient.raw(this.port,
				"POST /callback HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
						+ "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
						+ "\r\n\r\n" + body);
		assertThat(response).startsWith("HTTP/1.1 405 ");
		assertCallbackStillServed();
	}

	private void assertCallbackStillServed() throws Exception {
		HttpResponse<String> response = this.client.callback(VALID);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	private String request(String target) {
		return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nConnection: close\r\n\r\n";
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), this.port);
		socket.setSoTimeout((int) WAIT.toMillis());
		return socket;
	}

	private static String readAll(Socket socket) throws IOException {
		InputStream input = socket.getInputStream();
		return new String(input.readAllBytes(), StandardCharsets.ISO_8859_1);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
