package io.github.pkce;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real login while a hostile local page (or process) goes at the loopback server with
 * plain HTTP clients: requests under a rebound host name, {@code POST}, CORS preflights,
 * other paths, forged callbacks, idle and trickling connections. All of it comes first;
 * then the user signs in for real. The login must succeed with the real code, and only
 * the real code may be exchanged.
 */
class HostileLocalPageTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static EmbeddedAuthorizationServer server;

	private final List<String> tokenRequestBodies = new CopyOnWriteArrayList<>();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.proxy(HttpClient.Builder.NO_PROXY)
		.connectTimeout(TIMEOUT)
		.build();

	@BeforeAll
	static void startServer() {
		server = EmbeddedAuthorizationServer.builder().start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void hostileRequestsBeforeTheRealCallbackChangeNothing() {
		ScriptedBrowser alice = ScriptedBrowser.signingInAs("alice", "password");
		List<String> attacks = new ArrayList<>();
		AuthorizationClient client = client((uri) -> {
			attack(URI.create(query(uri).get("redirect_uri")), attacks);
			return alice.open(uri);
		});
		int before = server.tokenRequestCount();

		Credentials credentials = client.login();

		assertThat(credentials.accessToken()).isNotBlank();
		assertThat(attacks).hasSize(11);
		// One exchange, with the code the server issued to the browser, none for
		// forgeries.
		assertThat(server.tokenRequestCount()).isEqualTo(before + 1);
		assertThat(this.tokenRequestBodies).singleElement()
			.satisfies((body) -> assertThat(body).contains("grant_type=authorization_code")
				.doesNotContain("forged")
				.doesNotContain("body-code"));
		// The browser ends on a clean URL: no code or state in the address bar or
		// history.
		assertThat(alice.lastPage().url().getPath()).isEqualTo("/callback/done");
		assertThat(alice.lastPage().url().getRawQuery()).isNull();
		assertThat(alice.lastPage().text()).contains("Signed in.");
	}

	@Test
	void idleAndTricklingConnectionsCannotKeepTheBrowserOut() throws Exception {
		ScriptedBrowser alice = ScriptedBrowser.signingInAs("alice", "password");
		List<Socket> idle = new ArrayList<>();
		Slowloris slowloris = new Slowloris();
		AuthorizationClient client = client((uri) -> {
			URI redirectUri = URI.create(query(uri).get("redirect_uri"));
			try {
				for (int i = 0; i < 200; i++) {
					idle.add(connect(redirectUri));
				}
				slowloris.start(redirectUri, 40);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			return alice.open(uri);
		});
		try {
			assertThat(client.login().accessToken()).isNotBlank();
			assertThat(alice.lastPage().text()).contains("Signed in.");
			assertThat(slowloris.bytesSent()).isPositive();
		}
		finally {
			slowloris.stop();
			for (Socket socket : idle) {
				socket.close();
			}
		}
	}

	/**
	 * What a page in the user's browser, or any local process, can send without knowing
	 * the {@code state}; each answer is checked and counted.
	 */
	private void attack(URI redirectUri, List<String> attacks) {
		try {
			int port = redirectUri.getPort();
			// DNS rebinding: the attacker's host name, resolved to 127.0.0.1
			String rebound = raw(port,
					"GET /callback?code=forged&state=forged HTTP/1.1\r\nHost: rebind.attacker.example:" + port
							+ "\r\nConnection: close\r\n\r\n");
			assertThat(rebound).startsWith("HTTP/1.1 421 ");
			attacks.add("rebound host");
			HttpResponse<String> post = send(HttpRequest.newBuilder(redirectUri)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(BodyPublishers.ofString("code=body-code&state=forged")));
			assertThat(post.statusCode()).isEqualTo(405);
			attacks.add("POST");
			HttpResponse<String> preflight = send(HttpRequest.newBuilder(redirectUri)
				.header("Origin", "https://evil.example")
				.header("Access-Control-Request-Method", "GET")
				.method("OPTIONS", BodyPublishers.noBody()));
			assertThat(preflight.statusCode()).isEqualTo(405);
			assertThat(preflight.headers().map().keySet())
				.noneMatch((name) -> name.toLowerCase().startsWith("access-control-"));
			attacks.add("OPTIONS preflight");
			for (String path : List.of("/favicon.ico", "/", "/callback/done", "/CALLBACK")) {
				assertThat(send(HttpRequest.newBuilder(redirectUri.resolve(path)).GET()).statusCode()).as(path)
					.isEqualTo(404);
				attacks.add(path);
			}
			for (String forged : List.of("code=forged-code&state=forged-state", "code=forged-code",
					"error=access_denied&state=forged-state", "code=forged-1&code=forged-2&state=forged-state")) {
				HttpResponse<String> response = send(
						HttpRequest.newBuilder(URI.create(redirectUri + "?" + forged)).GET());
				assertThat(response.statusCode()).as(forged).isEqualTo(400);
				assertThat(response.body()).as(forged).doesNotContain("forged");
				attacks.add(forged);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private AuthorizationClient client(BrowserLauncher browser) {
		ClientHttpRequestInterceptor recorder = (request, body, execution) -> {
			if (request.getURI().getPath().endsWith("/token")) {
				this.tokenRequestBodies.add(new String(body, StandardCharsets.UTF_8));
			}
			return execution.execute(request, body);
		};
		ClientConfig config = ClientConfig.withClientId(server.clientId())
			.issuerUri(server.issuer())
			.scopes("openid", "profile")
			.loginTimeout(TIMEOUT)
			.build();
		return AuthorizationClient.withConfig(config)
			.restClient(RestClient.builder().requestInterceptor(recorder).build())
			.browserLauncher(browser)
			.prompt((text) -> {
			})
			.build();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(TIMEOUT).build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static Socket connect(URI redirectUri) throws IOException {
		Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), redirectUri.getPort());
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		return socket;
	}

	private static String raw(int port, String request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			InputStream input = socket.getInputStream();
			return new String(input.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	private static Map<String, String> query(URI uri) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : uri.getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	/**
	 * Connections that each send a request one byte at a time and never finish it, from
	 * one thread, for at most a minute.
	 */
	private static final class Slowloris {

		private final List<Socket> sockets = new ArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger bytesSent = new AtomicInteger();

		private Thread thread;

		void start(URI redirectUri, int connections) throws IOException {
			for (int i = 0; i < connections; i++) {
				this.sockets.add(connect(redirectUri));
			}
			byte[] request = ("GET /callback?code=forged&state=forged HTTP/1.1\r\nHost: 127.0.0.1:"
					+ redirectUri.getPort() + "\r\nX-Padding: " + "a".repeat(4000))
				.getBytes(StandardCharsets.US_ASCII);
			this.thread = new Thread(() -> {
				for (int round = 0; round < 3000 && this.running.get(); round++) {
					for (Socket socket : this.sockets) {
						try {
							socket.getOutputStream().write(request[round % request.length]);
							this.bytesSent.incrementAndGet();
						}
						catch (IOException ex) {
							// dropped by the server to make room: as it should
						}
					}
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "slowloris");
			this.thread.setDaemon(true);
			this.thread.start();
			// Under way before the browser comes.
			while (this.bytesSent.get() < connections && this.thread.isAlive()) {
				Thread.onSpinWait();
			}
		}

		int bytesSent() {
			return this.bytesSent.get();
		}

		void stop() throws Exception {
			this.running.set(false);
			if (this.thread != null) {
				this.thread.join(TIMEOUT.toMillis());
			}
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

}
