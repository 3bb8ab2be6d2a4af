package io.github.pkce;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.store.InMemoryCredentialStore;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The device login (RFC 8628) against a real authorization server, approved by a scripted
 * browser on the verification page; the choice of {@link LoginMethod#AUTO} on a machine
 * without a browser; and cancelling a login with an interrupt. The poll interval is a
 * scripted sleeper, so no test waits for it, except the interrupt tests, which end the
 * real wait.
 */
class DeviceLoginEndToEndTests {

	/** Long enough for any slow machine; the logins end in milliseconds. */
	private static final long JOIN_SECONDS = 30;

	private static final LoginEnvironment SSH = LoginEnvironment.of(
			Map.of("DISPLAY", "localhost:10.0", "SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
			Map.of("os.name", "Linux"));

	private static EmbeddedAuthorizationServer server;

	private final List<String> prompts = new CopyOnWriteArrayList<>();

	private final List<DeviceVerification> verifications = new CopyOnWriteArrayList<>();

	private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startServer() {
		server = EmbeddedAuthorizationServer.builder().user("alice", "password").user("dave", "hunter2").start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static ClientConfig.Builder config(EmbeddedAuthorizationServer server, String... scopes) {
		return ClientConfig.withClientId(server.clientId())
			.issuerUri(server.issuer())
			.scopes(scopes)
			.loginTimeout(Duration.ofSeconds(20));
	}

	private AuthorizationClient client(ClientConfig config, BrowserLauncher browser) {
		return AuthorizationClient.withConfig(config).browserLauncher(browser).prompt(this.prompts::add).build();
	}

	/**
	 * A device client whose sleeper plays the user: at the given wait (1 for the first)
	 * the browser approves the device, so earlier polls find the authorization pending.
	 */
	private DeviceAuthorizationClient deviceClient(AuthorizationClient client, int approveAtWait,
			ApprovalStep approval) {
		return DeviceAuthorizationClient.withClient(client)
			.verificationListener(this.verifications::add)
			.sleeper((duration) -> {
				this.sleeps.add(duration);
				if (this.sleeps.size() == approveAtWait) {
					approval.approve(this.verifications.get(0));
				}
			})
			.build();
	}

	private static ScriptedBrowser alice() {
		return ScriptedBrowser.signingInAs("alice", "password");
	}

	private static ApprovalStep withCompleteUri(ScriptedBrowser browser) {
		return (verification) -> {
			ScriptedBrowser.VisitedPage page = browser
				.completeDeviceAuthorization(verification.verificationUriComplete());
			assertThat(page.url()).hasToString(server.issuer() + "/?success");
		};
	}

	@Test
	void deviceLoginWithTheCompleteUriGivesWorkingTokensThatRefresh() throws Exception {
		AuthorizationClient client = client(config(server, "profile", "api").build(), BrowserLauncher.none());
		int before = server.tokenRequestCount();
		Credentials credentials = deviceClient(client, 1, withCompleteUri(alice())).login();
		assertThat(server.tokenRequestCount()).isEqualTo(before + 1);
		assertThat(this.sleeps).containsExactly(Duration.ofSeconds(5));
		// the server advertises DPoP: the tokens are bound to the login's key
		assertThat(credentials.tokenType()).isEqualTo("DPoP");
		assertThat(credentials.dpopKey()).isNotNull();
		assertThat(credentials.refreshToken()).isNotNull();
		assertThat(credentials.idToken()).isNull();
		assertThat(credentials.scopes()).containsExactlyInAnyOrder("profile", "api");
		assertThat(credentials.expiresAt()).isAfter(Instant.now());
		assertThat(JWTParser.parse(credentials.accessToken()).getJWTClaimsSet().getSubject()).isEqualTo("alice");
		assertThat(me(credentials)).containsEntry("sub", "alice");

		DeviceVerification verification = this.verifications.get(0);
		assertThat(verification.verificationUri()).hasToString(server.issuer() + "/activate");
		assertThat(this.prompts).singleElement()
			.asString()
			.contains("    " + verification.verificationUriComplete())
			.contains("    " + verification.userCode());

		Credentials refreshed = client.refresh(credentials);
		assertThat(server.tokenRequestCount()).isEqualTo(before + 2);
		assertThat(refreshed.accessToken()).isNotEqualTo(credentials.accessToken());
		assertThat(refreshed.refreshToken()).isNotNull().isNotEqualTo(credentials.refreshToken());
		assertThat(me(refreshed)).containsEntry("sub", "alice");
	}

	@Test
	void deviceLoginWithTheUserCodeTypedIntoTheVerificationPage() {
		AuthorizationClient client = client(config(server, "api").build(), BrowserLauncher.none());
		int before = server.tokenRequestCount();
		ScriptedBrowser browser = alice();
		Credentials credentials = deviceClient(client, 2, (verification) -> {
			ScriptedBrowser.VisitedPage page = browser.completeDeviceAuthorization(verification.verificationUri(),
					verification.userCode());
			assertThat(page.url()).hasToString(server.issuer() + "/?success");
		}).login();
		// the first poll found the authorization pending
		assertThat(server.tokenRequestCount()).isEqualTo(before + 2);
		assertThat(this.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(browser.visitedUrls()).anySatisfy((url) -> assertThat(url.getPath()).isEqualTo("/activate"));
		assertThat(me(credentials)).containsEntry("sub", "alice").containsEntry("scope", "api");
	}

	@Test
	void refusedConsentEndsTheDeviceLoginWithAccessDenied() {
		AuthorizationClient client = client(config(server, "profile", "api").build(), BrowserLauncher.none());
		DeviceAuthorizationClient device = deviceClient(client, 1,
				(verification) -> ScriptedBrowser.denyingConsent("dave", "hunter2")
					.completeDeviceAuthorization(verification.verificationUriComplete()));
		assertThatExceptionOfType(PkceException.class).isThrownBy(device::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("access_denied"))
			.withMessage("The device sign-in was denied (access_denied). Run the login again and approve the request "
					+ "on the verification page to sign in.");
	}

	@Test
	void openidIsRefusedOnTheDeviceGrantWithAdvice() {
		AuthorizationClient client = client(config(server, "openid", "profile").build(), BrowserLauncher.none());
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> DeviceAuthorizationClient.withClient(client).build().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_scope"))
			.withMessageContaining("some servers refuse some scopes, such as openid, on the device grant");
		assertThat(this.prompts).isEmpty();
	}

	@Test
	void autoUsesTheDeviceLoginInAnSshSession() {
		List<URI> opened = new CopyOnWriteArrayList<>();
		AuthorizationClient client = client(config(server, "profile", "api").build(), (uri) -> {
			opened.add(uri);
			return false;
		});
		InteractiveLogin login = InteractiveLogin.withClient(client)
			.environment(SSH)
			.deviceClient(deviceClient(client, 1, withCompleteUri(alice())))
			.build();
		Credentials credentials = login.login();
		assertThat(me(credentials)).containsEntry("sub", "alice");
		assertThat(opened).isEmpty();
		assertThat(this.prompts.get(0))
			.isEqualTo("No browser can be opened here (an SSH session), so sign in with a code.");
	}

	@Test
	void autoTurnsToTheBrowserLoginWhenTheServerRefusesTheScopesOnTheDeviceGrant() throws Exception {
		AuthorizationClient client = client(config(server, "openid", "profile").build(), alice());
		InteractiveLogin login = InteractiveLogin.withClient(client).environment(SSH).build();
		Credentials credentials = login.login();
		assertThat(JWTParser.parse(credentials.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("alice");
		assertThat(this.prompts.get(0)).isEqualTo(
				"The authorization server refused a sign-in with a code (invalid_scope), so sign in with the browser.");
		assertThat(this.prompts.get(2)).startsWith("This is an SSH session: the browser must reach port ");
	}

	@Test
	void autoUsesTheBrowserLoginInAnSshSessionWhenTheServerHasNoDeviceGrant() {
		try (EmbeddedAuthorizationServer withoutDevice = EmbeddedAuthorizationServer.builder()
			.deviceGrant(false)
			.start()) {
			AuthorizationClient client = client(config(withoutDevice, "openid", "profile").build(), alice());
			InteractiveLogin login = InteractiveLogin.withClient(client).environment(SSH).build();
			assertThat(login.login().idToken()).isNotNull();
			assertThat(this.prompts.get(0)).startsWith("Opening the browser to sign in.");
			assertThat(withoutDevice.tokenRequestCount()).isOne();
		}
	}

	@Test
	void interruptEndsDevicePollingAndKeepsTheInterruptFlag() throws Exception {
		AuthorizationClient client = client(config(server, "api").build(), BrowserLauncher.none());
		CountDownLatch codeShown = new CountDownLatch(1);
		// the real sleeper: the server sends no interval, so the client waits 5 s
		DeviceAuthorizationClient device = DeviceAuthorizationClient.withClient(client)
			.verificationListener((verification) -> codeShown.countDown())
			.build();
		int before = server.tokenRequestCount();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean interruptFlag = new AtomicBoolean();
		Thread login = new Thread(() -> {
			try {
				device.login();
			}
			catch (Throwable ex) {
				failure.set(ex);
				interruptFlag.set(Thread.currentThread().isInterrupted());
			}
		}, "device-login");
		login.start();
		assertThat(codeShown.await(JOIN_SECONDS, TimeUnit.SECONDS)).isTrue();
		login.interrupt();
		login.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
		assertThat(login.isAlive()).isFalse();
		assertThat(failure.get()).isInstanceOfSatisfying(PkceException.class,
				(ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_CANCELLED));
		assertThat(interruptFlag).isTrue();
		assertThat(server.tokenRequestCount()).isEqualTo(before);
	}

	@Test
	void interruptEndsABrowserLoginFreesThePortAndKeepsTheStoredCredentials() throws Exception {
		CountDownLatch urlShown = new CountDownLatch(1);
		AuthorizationClient client = AuthorizationClient.withConfig(config(server, "openid", "profile").build())
			.browserLauncher(BrowserLauncher.none())
			.prompt((text) -> {
				this.prompts.add(text);
				urlShown.countDown();
			})
			.build();
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).credentialStore(store).build();
		Credentials stored = new Credentials("old-access-token", "Bearer", Instant.now().plusSeconds(600),
				"old-refresh-token", null, Set.of("profile"));
		store.save(authenticator.getStoreKey(), stored);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread login = new Thread(() -> {
			try {
				authenticator.login();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "browser-login");
		login.start();
		assertThat(urlShown.await(JOIN_SECONDS, TimeUnit.SECONDS)).isTrue();
		int port = URI.create(LoginEndToEndTests.query(authorizationUrl(this.prompts.get(0))).get("redirect_uri"))
			.getPort();
		login.interrupt();
		login.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
		assertThat(login.isAlive()).isFalse();
		assertThat(failure.get()).isInstanceOfSatisfying(PkceException.class,
				(ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_CANCELLED));
		assertThat(store.load(authenticator.getStoreKey())).isEqualTo(stored);
		assertPortIsFree(port);
	}

	private static String authorizationUrl(String prompt) {
		return prompt.lines()
			.map(String::strip)
			.filter((line) -> line.startsWith("http"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No URL in: " + prompt));
	}

	private static void assertPortIsFree(int port) throws IOException {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	private static Map<String, Object> me(Credentials credentials) {
		String token = credentials.accessToken();
		return RestClient.create().get().uri(server.resourceUri()).headers((headers) -> {
			if (credentials.isDpopBound()) {
				headers.set("Authorization", "DPoP " + token);
				headers.set("DPoP", new io.github.pkce.dpop.DpopProofs().create(credentials.dpopKey(), "GET",
						server.resourceUri(), token, null));
			}
			else {
				headers.setBearerAuth(token);
			}
		}).retrieve().body(new ParameterizedTypeReference<Map<String, Object>>() {
		});
	}

	/**
	 * What the user does on the verification page.
	 */
	@FunctionalInterface
	private interface ApprovalStep {

		void approve(DeviceVerification verification);

	}

}
