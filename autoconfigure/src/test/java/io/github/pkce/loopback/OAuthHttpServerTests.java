package io.github.pkce.loopback;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link OAuthHttpServer}: binding, the redirect URI, waiting and closing.
 */
class OAuthHttpServerTests {

	private static final String STATE = "expected-state-4f1c";

	private static final String CODE = "authorization-code-9d2e";

	private static final Duration WAIT = Duration.ofSeconds(2);

	private final List<OAuthHttpServer> servers = new ArrayList<>();

	@AfterEach
	void closeServers() {
		this.servers.forEach(OAuthHttpServer::close);
	}

	@Test
	void ephemeralPortIsRebuiltInTheRedirectUri() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		URI redirectUri = server.getRedirectUri();
		assertThat(redirectUri.getScheme()).isEqualTo("http");
		assertThat(redirectUri.getHost()).isEqualTo("127.0.0.1");
		assertThat(redirectUri.getPort()).isPositive();
		assertThat(redirectUri.getPath()).isEqualTo("/callback");
		assertThat(redirectUri).hasToString("http://127.0.0.1:" + redirectUri.getPort() + "/callback");
		assertThat(new LoopbackClient(redirectUri).callback("code=" + CODE + "&state=" + STATE).statusCode())
			.isEqualTo(200);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void startAddressSendsTheBrowserOnOnlyWhenOpenedDirectly() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
		URI start = server.startAt(() -> {
			asked.incrementAndGet();
			return URI.create("https://login.example.com/authorize?client_id=cli&request_uri=urn:x");
		});
		int port = server.getRedirectUri().getPort();
		assertThat(start).hasToString("http://127.0.0.1:" + port + "/callback/start");
		String host = "Host: 127.0.0.1:" + port + "\r\n";
		// opened by the program (no fetch metadata) or typed by the user ("none")
		for (String fetchSite : new String[] { "", "Sec-Fetch-Site: none\r\n" }) {
			assertThat(LoopbackClient.raw(port,
					"GET /callback/start HTTP/1.1\r\n" + host + fetchSite + "Connection: close\r\n\r\n"))
				.startsWith("HTTP/1.1 303 ")
				.contains("Location: https://login.example.com/authorize?client_id=cli&request_uri=urn:x");
		}
		// loaded by another site's page: no sign-in is started for the user
		for (String fetchSite : new String[] { "cross-site", "same-site", "Cross-Site" }) {
			assertThat(LoopbackClient.raw(port,
					"GET /callback/start HTTP/1.1\r\n" + host + "Sec-Fetch-Site: " + fetchSite
							+ "\r\nConnection: close\r\n\r\n"))
				.startsWith("HTTP/1.1 403 ")
				.doesNotContain("login.example.com");
		}
		assertThat(asked).hasValue(2);
	}

	@Test
	void startAddressIsNotServedWithoutATarget() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		assertThat(new LoopbackClient(server.getRedirectUri()).get("/callback/start").statusCode()).isEqualTo(404);
	}

	@Test
	void emptyPathBecomesTheRootPath() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0");
		assertThat(server.getRedirectUri().getRawPath()).isEqualTo("/");
		assertThat(new LoopbackClient(server.getRedirectUri()).get("/?code=" + CODE + "&state=" + STATE).statusCode())
			.isEqualTo(200);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void fixedPortIsHonoured() throws Exception {
		int port = freePort();
		OAuthHttpServer server = start("http://127.0.0.1:" + port + "/callback");
		assertThat(server.getRedirectUri()).hasToString("http://127.0.0.1:" + port + "/callback");
		assertThat(
				new LoopbackClient(server.getRedirectUri()).callback("code=" + CODE + "&state=" + STATE).statusCode())
			.isEqualTo(200);
	}

	@Test
	void fixedPortInUseIsReportedWithWhatToDo() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			int port = taken.getLocalPort();
			assertThatExceptionOfType(PkceException.class).isThrownBy(() -> start("http://127.0.0.1:" + port + "/cb"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CALLBACK_SERVER))
				.withMessage("Port " + port + " on 127.0.0.1 is already in use, so the login callback cannot be"
						+ " received. Stop the program using it, or use port 0 in the redirect URI so a free port"
						+ " is chosen.");
		}
	}

	@Test
	void localhostIsAdvertisedButOnly127001IsBound() throws Exception {
		OAuthHttpServer server = start("http://localhost:0/callback");
		URI redirectUri = server.getRedirectUri();
		assertThat(redirectUri).hasToString("http://localhost:" + redirectUri.getPort() + "/callback");
		String response = LoopbackClient.raw(redirectUri.getPort(), "GET /callback?code=" + CODE + "&state=" + STATE
				+ " HTTP/1.1\r\nHost: localhost:" + redirectUri.getPort() + "\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 303").contains("\r\nLocation: /callback/done\r\n");
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void localhostServerRefusesRequestsAddressedTo127001() throws Exception {
		OAuthHttpServer server = start("http://localhost:0/callback");
		URI viaLiteral = URI.create("http://127.0.0.1:" + server.getRedirectUri().getPort() + "/callback");
		HttpResponse<String> response = new LoopbackClient(viaLiteral).callback("code=" + CODE + "&state=" + STATE);
		assertThat(response.statusCode()).isEqualTo(421);
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> server.awaitAuthorizationCode(Duration.ofMillis(100)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT));
	}

	@Test
	void ipv6LoopbackIsServed() throws Exception {
		assumeThat(ipv6LoopbackAvailable()).as("IPv6 loopback available").isTrue();
		OAuthHttpServer server = start("http://[::1]:0/callback");
		URI redirectUri = server.getRedirectUri();
		assertThat(redirectUri).hasToString("http://[::1]:" + redirectUri.getPort() + "/callback");
		assertThat(new LoopbackClient(redirectUri).callback("code=" + CODE + "&state=" + STATE).statusCode())
			.isEqualTo(200);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void onlyTheLoopbackAddressIsBoundNeverTheWildcard() throws Exception {
		// On Linux all of 127.0.0.0/8 is loopback: had the server bound the wildcard
		// address, another socket could not take the same port on 127.0.0.2.
		InetAddress other = InetAddress.getByName("127.0.0.2");
		assumeThat(canBind(other)).as("127.0.0.2 can be bound").isTrue();
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		try (ServerSocket sameport = new ServerSocket(server.getRedirectUri().getPort(), 1, other)) {
			assertThat(sameport.isBound()).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://example.com:0/callback", "https://127.0.0.1:0/callback",
			"http://0.0.0.0:0/callback", "http://[::]:0/callback", "http://192.168.1.10:0/callback",
			"http://127.0.0.1/callback", "http://127.0.0.1:0/callback?x=1", "http://127.0.0.1:0/callback#top",
			"http://user@127.0.0.1:0/callback", "http://127.0.0.1:70000/callback", "urn:ietf:wg:oauth:2.0:oob",
			"/callback" })
	void redirectUrisThatAreNotLoopbackHttpAreRefused(String uri) {
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> start(uri))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CALLBACK_SERVER))
			.withMessageStartingWith("The redirect URI " + uri + " cannot be used for the login callback: ")
			.withMessageEndingWith("for example http://127.0.0.1:0/callback.");
	}

	@Test
	void refusedRedirectUriMessageSaysWhatToDo() {
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> start("http://example.com:0/callback"))
			.withMessage("The redirect URI http://example.com:0/callback cannot be used for the login callback:"
					+ " it is not a loopback http URI: its host must be 127.0.0.1, [::1] or localhost so that only this machine can reach the"
					+ " login callback (RFC 8252 section 7.3), for example http://127.0.0.1:0/callback.");
	}

	@Test
	void timeoutSaysWhatToDo() {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> server.awaitAuthorizationCode(Duration.ofMillis(200)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessage("No sign-in response arrived within 200 milliseconds. Run the login again and complete it"
					+ " in the browser.");
	}

	@Test
	void timeoutsAreDescribedTheWayAUserSaysThem() {
		assertThat(OAuthHttpServer.describe(Duration.ofMinutes(5))).isEqualTo("5 minutes");
		assertThat(OAuthHttpServer.describe(Duration.ofMinutes(1))).isEqualTo("1 minute");
		assertThat(OAuthHttpServer.describe(Duration.ofMinutes(90))).isEqualTo("90 minutes");
		assertThat(OAuthHttpServer.describe(Duration.ofHours(2))).isEqualTo("2 hours");
		assertThat(OAuthHttpServer.describe(Duration.ofSeconds(90))).isEqualTo("90 seconds");
		assertThat(OAuthHttpServer.describe(Duration.ofSeconds(1))).isEqualTo("1 second");
		assertThat(OAuthHttpServer.describe(Duration.ofMillis(1500))).isEqualTo("1500 milliseconds");
	}

	@Test
	void interruptingTheWaitingThreadCancelsTheLogin() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean interruptFlagRestored = new AtomicBoolean();
		Thread waiter = new Thread(() -> {
			try {
				server.awaitAuthorizationCode(WAIT);
			}
			catch (Throwable ex) {
				thrown.set(ex);
				interruptFlagRestored.set(Thread.currentThread().isInterrupted());
			}
		});
		waiter.start();
		awaitWaiting(waiter);
		waiter.interrupt();
		waiter.join(WAIT.toMillis() * 2);
		assertThat(thrown.get()).isInstanceOfSatisfying(PkceException.class,
				(ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_CANCELLED));
		assertThat(interruptFlagRestored).isTrue();
	}

	@Test
	void closingFromAnInterruptedThreadStillFreesThePortBeforeReturning() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		int port = server.getRedirectUri().getPort();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean interruptFlagKept = new AtomicBoolean();
		// a cancelled login (Ctrl-C) closes the server from the interrupted thread itself
		Thread cancelled = new Thread(() -> {
			Thread.currentThread().interrupt();
			server.close();
			interruptFlagKept.set(Thread.currentThread().isInterrupted());
			try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1,
					java.net.InetAddress.getByName("127.0.0.1"))) {
				// bound: the port was free when close() returned
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		cancelled.start();
		cancelled.join(WAIT.toMillis() * 2);
		assertThat(failure.get()).isNull();
		assertThat(interruptFlagKept).isTrue();
	}

	@Test
	void closingTheServerCancelsAWaitingLogin() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				server.awaitAuthorizationCode(WAIT);
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		waiter.start();
		awaitWaiting(waiter);
		server.close();
		waiter.join(WAIT.toMillis() * 2);
		assertThat(thrown.get()).isInstanceOfSatisfying(PkceException.class,
				(ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_CANCELLED));
	}

	@Test
	void acceptedResponseIsStillReturnedAfterClose() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		new LoopbackClient(server.getRedirectUri()).callback("code=" + CODE + "&state=" + STATE);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		server.close();
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void closeFreesThePortForImmediateReuse() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		int port = server.getRedirectUri().getPort();
		// A served request leaves a connection behind, which the server closes first.
		new LoopbackClient(server.getRedirectUri()).get("/favicon.ico");
		new LoopbackClient(server.getRedirectUri()).callback("code=" + CODE + "&state=" + STATE);
		server.awaitAuthorizationCode(WAIT);
		server.close();
		OAuthHttpServer again = start("http://127.0.0.1:" + port + "/callback");
		assertThat(again.getRedirectUri().getPort()).isEqualTo(port);
		again.close();
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void closedServerStillServesThePageTheBrowserWasRedirectedTo() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		LoopbackClient client = new LoopbackClient(server.getRedirectUri());
		HttpResponse<String> redirect = client.notFollowingRedirects().callback("code=" + CODE + "&state=" + STATE);
		assertThat(redirect.statusCode()).isEqualTo(303);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		server.close();
		HttpResponse<String> page = client.get("/callback/done");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("Signed in.");
		awaitPortFree(server.getRedirectUri().getPort());
	}

	@Test
	void closedServerFreesThePortEvenIfTheBrowserNeverFollowsTheRedirect() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		new LoopbackClient(server.getRedirectUri()).notFollowingRedirects()
			.callback("code=" + CODE + "&state=" + STATE);
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
		server.close();
		awaitPortFree(server.getRedirectUri().getPort());
		assertThat(server.awaitAuthorizationCode(WAIT).code()).isEqualTo(CODE);
	}

	@Test
	void closeWithoutAcceptedResponseFreesThePortAtOnce() throws Exception {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		int port = server.getRedirectUri().getPort();
		new LoopbackClient(server.getRedirectUri()).callback("code=" + CODE + "&state=forged");
		server.close();
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void closeCanBeCalledRepeatedly() {
		OAuthHttpServer server = start("http://127.0.0.1:0/callback");
		server.close();
		assertThatNoException().isThrownBy(server::close);
	}

	private OAuthHttpServer start(String redirectUri) {
		OAuthHttpServer server = OAuthHttpServer.start(URI.create(redirectUri), STATE, EndpointMetadata.defaults());
		this.servers.add(server);
		return server;
	}

	/**
	 * Waits, with a generous bound, until the port can be bound again.
	 */
	private static void awaitPortFree(int port) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	private static void awaitWaiting(Thread thread) throws InterruptedException {
		for (int i = 0; i < 400 && thread.getState() != Thread.State.TIMED_WAITING; i++) {
			Thread.sleep(5);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	private static boolean ipv6LoopbackAvailable() {
		try {
			return canBind(InetAddress.getByName("::1"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean canBind(InetAddress address) {
		try (ServerSocket socket = new ServerSocket(0, 1, address)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
