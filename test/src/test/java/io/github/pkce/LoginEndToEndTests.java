package io.github.pkce;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The whole login against a real authorization server (Spring Authorization Server in
 * this JVM), signed in by a scripted browser through the real login page, redirected to
 * the real loopback server, with the real code exchange and ID token validation.
 */
class LoginEndToEndTests {

	private static EmbeddedAuthorizationServer server;

	private final List<String> authorizationUrls = new CopyOnWriteArrayList<>();

	private final List<String> tokenRequestBodies = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startServer() {
		server = EmbeddedAuthorizationServer.builder().start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private ClientConfig.Builder config() {
		return ClientConfig.withClientId(server.clientId())
			.issuerUri(server.issuer())
			.scopes("openid", "profile", "offline_access")
			.loginTimeout(Duration.ofSeconds(20));
	}

	private AuthorizationClient client(ClientConfig config, BrowserLauncher browser) {
		ClientHttpRequestInterceptor recorder = (request, body, execution) -> {
			if (request.getURI().getPath().endsWith("/token")) {
				this.tokenRequestBodies.add(new String(body, StandardCharsets.UTF_8));
			}
			return execution.execute(request, body);
		};
		return AuthorizationClient.withConfig(config)
			.restClient(RestClient.builder().requestInterceptor(recorder).build())
			.browserLauncher((uri) -> {
				this.authorizationUrls.add(uri.toString());
				return browser.open(uri);
			})
			.prompt((text) -> {
			})
			.build();
	}

	private static ScriptedBrowser alice() {
		return ScriptedBrowser.signingInAs("alice", "password");
	}

	@Test
	void loginExchangesTheCodeValidatesTheIdTokenAndRefreshes() throws Exception {
		AuthorizationClient client = client(config().build(), alice());
		int before = server.tokenRequestCount();
		Credentials credentials = client.login();
		assertThat(server.tokenRequestCount()).isEqualTo(before + 1);
		// the server advertises DPoP: the tokens are bound to the login's key
		assertThat(credentials.tokenType()).isEqualTo("DPoP");
		assertThat(credentials.refreshToken()).isNotNull();
		assertThat(credentials.scopes()).contains("openid", "offline_access");
		assertThat(credentials.expiresAt()).isAfter(java.time.Instant.now());
		assertThat(JWTParser.parse(credentials.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("alice");
		assertThat(this.tokenRequestBodies.get(0)).contains("code_verifier=", "grant_type=authorization_code");

		Credentials refreshed = client.refresh(credentials);
		assertThat(server.tokenRequestCount()).isEqualTo(before + 2);
		assertThat(refreshed.accessToken()).isNotEqualTo(credentials.accessToken());
		assertThat(refreshed.refreshToken()).isNotNull().isNotEqualTo(credentials.refreshToken());
		assertThat(JWTParser.parse(refreshed.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("alice");

		// the server rotates refresh tokens: the first one is spent
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(credentials))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"));
	}

	@Test
	void everyLoginUsesFreshStateNonceAndVerifier() {
		AuthorizationClient client = client(config().build(), alice());
		client.login();
		client.login();
		Map<String, String> first = query(this.authorizationUrls.get(0));
		Map<String, String> second = query(this.authorizationUrls.get(1));
		assertThat(first.get("code_challenge_method")).isEqualTo("S256");
		for (String parameter : List.of("state", "nonce", "code_challenge")) {
			assertThat(first.get(parameter)).isNotBlank().isNotEqualTo(second.get(parameter));
		}
		assertThat(verifier(this.tokenRequestBodies.get(0))).isNotEqualTo(verifier(this.tokenRequestBodies.get(1)));
		assertThat(first.get("redirect_uri")).isNotEqualTo(second.get("redirect_uri"));
	}

	@Test
	void deniedConsentEndsTheLoginWithAccessDenied() {
		try (EmbeddedAuthorizationServer consenting = EmbeddedAuthorizationServer.builder()
			.requireConsent(true)
			.start()) {
			ClientConfig config = ClientConfig.withClientId(consenting.clientId())
				.issuerUri(consenting.issuer())
				.scopes("openid", "profile")
				.loginTimeout(Duration.ofSeconds(20))
				.build();
			AuthorizationClient client = client(config, ScriptedBrowser.denyingConsent("alice", "password"));
			assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("access_denied"))
				.withMessageStartingWith("The authorization server refused the sign-in: access_denied")
				.withMessageEndingWith("The sign-in was cancelled or not allowed; run the login again to retry.");
			assertThat(consenting.tokenRequestCount()).isZero();
		}
	}

	@Test
	void closedBrowserEndsTheLoginAtTheTimeout() {
		AuthorizationClient client = client(config().loginTimeout(Duration.ofSeconds(1)).build(),
				BrowserLauncher.none());
		int before = server.tokenRequestCount();
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessage("No sign-in response arrived within 1 second. Run the login again and complete it in the "
					+ "browser.");
		assertThat(server.tokenRequestCount()).isEqualTo(before);
	}

	@Test
	void faviconAndOtherStrayRequestsDoNotDisturbTheLogin() {
		java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
		AuthorizationClient client = client(config().build(), (uri) -> {
			URI redirect = URI.create(query(uri.toString()).get("redirect_uri"));
			for (String path : List.of("/favicon.ico", "/")) {
				try {
					int status = http
						.send(java.net.http.HttpRequest.newBuilder(redirect.resolve(path)).build(),
								java.net.http.HttpResponse.BodyHandlers.discarding())
						.statusCode();
					assertThat(status).isEqualTo(404);
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return alice().open(uri);
		});
		assertThat(client.login().accessToken()).isNotBlank();
	}

	@Test
	void takenFixedPortIsReportedAndNothingIsOpened() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			int port = taken.getLocalPort();
			ScriptedBrowser browser = alice();
			AuthorizationClient client = client(
					config().redirectUri(URI.create("http://127.0.0.1:" + port + "/callback")).build(), browser);
			assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CALLBACK_SERVER))
				.withMessage("Port " + port + " on 127.0.0.1 is already in use, so the login callback cannot be "
						+ "received. Stop the program using it, or use port 0 in the redirect URI so a free port is "
						+ "chosen.");
			assertThat(browser.openedUris()).isEmpty();
		}
	}

	@Test
	void fixedPortIsHonoured() throws IOException {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = probe.getLocalPort();
		}
		AuthorizationClient client = client(
				config().redirectUri(URI.create("http://127.0.0.1:" + port + "/callback")).build(), alice());
		client.login();
		assertThat(query(this.authorizationUrls.get(0)).get("redirect_uri"))
			.isEqualTo("http://127.0.0.1:" + port + "/callback");
	}

	@Test
	void concurrentLoginsShareOneBrowser() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		AtomicReference<Thread> second = new AtomicReference<>();
		CountDownLatch browserOpen = new CountDownLatch(1);
		ScriptedBrowser alice = alice();
		AuthorizationClient client = client(config().build(), (uri) -> {
			opened.incrementAndGet();
			browserOpen.countDown();
			awaitWaiting(second);
			return alice.open(uri);
		});
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).build();
		int before = server.tokenRequestCount();
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<Credentials> first = pool.submit(authenticator::login);
			assertThat(browserOpen.await(20, TimeUnit.SECONDS)).isTrue();
			Future<Credentials> other = pool.submit(() -> {
				second.set(Thread.currentThread());
				return authenticator.login();
			});
			assertThat(first.get(30, TimeUnit.SECONDS)).isSameAs(other.get(30, TimeUnit.SECONDS));
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(opened).hasValue(1);
		assertThat(server.tokenRequestCount()).isEqualTo(before + 1);
	}

	@Test
	void expiredCredentialsAreRefreshedOnceForManyThreads() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		ScriptedBrowser alice = alice();
		AuthorizationClient client = client(config().build(), (uri) -> {
			opened.incrementAndGet();
			return alice.open(uri);
		});
		Credentials login = client.login();
		Credentials first = new Credentials(login.accessToken(), login.tokenType(),
				java.time.Instant.now().minusSeconds(1), login.refreshToken(), login.idToken(), login.scopes(),
				login.dpopKey());
		io.github.pkce.store.InMemoryCredentialStore store = new io.github.pkce.store.InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).credentialStore(store).build();
		store.save(authenticator.getStoreKey(), first);
		int before = server.tokenRequestCount();
		ExecutorService pool = Executors.newFixedThreadPool(64);
		try {
			List<Future<Credentials>> results = new ArrayList<>();
			CountDownLatch start = new CountDownLatch(1);
			for (int i = 0; i < 64; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return authenticator.credentials();
				}));
			}
			start.countDown();
			for (Future<Credentials> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS).accessToken()).isNotEqualTo(first.accessToken());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(server.tokenRequestCount()).isEqualTo(before + 1);
		assertThat(opened).hasValue(1);
	}

	@Test
	void logoutRevokesTheRefreshTokenAtTheServer() {
		AuthorizationClient client = client(config().build(), alice());
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).build();
		Credentials credentials = authenticator.login();
		LogoutResult result = authenticator.logout();
		assertThat(result.revoked()).isTrue();
		assertThat(result.message()).startsWith("Signed out. The refresh token was revoked at " + server.issuer());
		assertThat(authenticator.currentCredentials()).isNull();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(credentials))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"));
	}

	@Test
	void withoutInteractiveLoginTheUserIsToldHowToSignIn() {
		AuthorizationClient client = client(config().build(), alice());
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client)
			.interactiveLogin(false)
			.loginHint("Run 'demo auth login'.")
			.build();
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(authenticator::accessToken)
			.withMessage("Not signed in. Run 'demo auth login'.");
		assertThat(this.authorizationUrls).isEmpty();
	}

	@Test
	void refreshCredentialsFallsBackToLoginWhenTheRefreshTokenIsSpent() {
		AtomicInteger opened = new AtomicInteger();
		ScriptedBrowser alice = alice();
		AuthorizationClient client = client(config().build(), (uri) -> {
			opened.incrementAndGet();
			return alice.open(uri);
		});
		io.github.pkce.store.InMemoryCredentialStore store = new io.github.pkce.store.InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).credentialStore(store).build();
		Credentials first = authenticator.login();
		client.refresh(first); // spends the stored refresh token behind the
								// authenticator's back
		Credentials renewed = authenticator.refreshCredentials();
		assertThat(opened).hasValue(2);
		assertThat(store.load(authenticator.getStoreKey())).isEqualTo(renewed);
	}

	private static void awaitWaiting(AtomicReference<Thread> thread) {
		for (int i = 0; i < 2000; i++) {
			Thread other = thread.get();
			if (other != null
					&& (other.getState() == Thread.State.WAITING || other.getState() == Thread.State.TIMED_WAITING)) {
				return;
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		throw new IllegalStateException("the second caller never waited");
	}

	static Map<String, String> query(String url) {
		Map<String, String> parameters = new java.util.LinkedHashMap<>();
		String raw = URI.create(url).getRawQuery();
		for (String pair : raw.split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	static String verifier(String tokenRequestBody) {
		return query("http://x/?" + tokenRequestBody).get("code_verifier");
	}

}
