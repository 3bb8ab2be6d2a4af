package io.github.pkce;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.http.BearerTokenInterceptor;
import io.github.pkce.store.FileCredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import io.github.pkce.test.DPoPKey;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DPoP (RFC 9449) and pushed authorization requests (RFC 9126) end to end: a real
 * authorization server that binds tokens to the proof's key and serves pushed requests, a
 * scripted browser, the loopback server, and a real resource server that validates proofs
 * (Spring Security's, at the server's {@code /api/me}).
 */
class DpopAndParEndToEndTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static EmbeddedAuthorizationServer server;

	private final List<URI> opened = new CopyOnWriteArrayList<>();

	@TempDir
	java.nio.file.Path temp;

	@BeforeAll
	static void startServer() {
		server = EmbeddedAuthorizationServer.builder().pushedAuthorizationRequests(true).start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private ClientConfig.Builder config(EmbeddedAuthorizationServer on) {
		return ClientConfig.withClientId(on.clientId())
			.issuerUri(on.issuer())
			.scopes("openid", "offline_access", "api")
			.loginTimeout(Duration.ofSeconds(20));
	}

	private AuthorizationClient client(ClientConfig config, ScriptedBrowser browser) {
		BrowserLauncher recording = (uri) -> {
			this.opened.add(uri);
			return browser.open(uri);
		};
		return AuthorizationClient.withConfig(config).browserLauncher(recording).prompt((text) -> {
		}).build();
	}

	private static ScriptedBrowser alice() {
		return ScriptedBrowser.signingInAs("alice", "password");
	}

	private static RestClient api(PkceAuthenticator authenticator) {
		return RestClient.builder()
			.requestInterceptor(new BearerTokenInterceptor(authenticator, List.of(server.issuer())))
			.build();
	}

	private static int status(RestClient.RequestHeadersSpec<?> request) {
		return request.exchange((req, response) -> response.getStatusCode().value());
	}

	@Test
	void loginWithDpopAndParGivesBoundTokensThatTheResourceServerAccepts() throws Exception {
		ScriptedBrowser browser = alice();
		AuthorizationClient client = client(config(server).build(), browser);
		int pushes = server.pushedAuthorizationRequestCount();
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).credentialStore(store).build();
		Credentials credentials = authenticator.login();

		assertThat(server.pushedAuthorizationRequestCount()).isEqualTo(pushes + 1);
		assertThat(server.lastTokenRequestHadDpopProof()).isTrue();
		assertThat(credentials.tokenType()).isEqualTo("DPoP");
		assertThat(credentials.isDpopBound()).isTrue();
		// the access token names the key (cnf.jkt) that the client holds
		Map<String, Object> cnf = JWTParser.parse(credentials.accessToken())
			.getJWTClaimsSet()
			.getJSONObjectClaim("cnf");
		assertThat(cnf).containsEntry("jkt", credentials.dpopKey().thumbprint());
		// the browser got the loopback start address, then only client_id and request_uri
		assertThat(this.opened.get(0).getPath()).isEqualTo("/callback/start");
		URI authorization = browser.visitedUrls()
			.stream()
			.filter((uri) -> uri.getPath().equals("/oauth2/authorize"))
			.findFirst()
			.orElseThrow();
		assertThat(authorization.getQuery()).startsWith("client_id=" + server.clientId() + "&request_uri=")
			.doesNotContain("code_challenge", "state=", "redirect_uri", "scope");

		Map<String, Object> me = api(authenticator).get().uri(server.resourceUri()).retrieve().body(JSON);
		assertThat(me).containsEntry("sub", "alice");
	}

	@Test
	void theBoundAccessTokenIsUselessWithoutTheKey() throws Exception {
		AuthorizationClient client = client(config(server).build(), alice());
		Credentials credentials = client.login();
		RestClient plain = RestClient.create();
		// replayed as a bearer token, as someone who found it in a log would
		assertThat(status(
				plain.get().uri(server.resourceUri()).header("Authorization", "Bearer " + credentials.accessToken())))
			.isEqualTo(401);
		// with a valid proof from another key
		DPoPKey thief = DPoPKey.generate();
		assertThat(status(plain.get()
			.uri(server.resourceUri())
			.header("Authorization", "DPoP " + credentials.accessToken())
			.header("DPoP", thief.proof("GET", server.resourceUri(), credentials.accessToken())))).isEqualTo(401);
		// without any proof
		assertThat(status(
				plain.get().uri(server.resourceUri()).header("Authorization", "DPoP " + credentials.accessToken())))
			.isEqualTo(401);
	}

	@Test
	void refreshSendsAProofWithTheSameKeyAndTheNewTokenIsBoundToIt() throws Exception {
		AuthorizationClient client = client(config(server).build(), alice());
		Credentials credentials = client.login();
		Credentials refreshed = client.refresh(credentials);
		assertThat(server.lastTokenRequestHadDpopProof()).isTrue();
		assertThat(refreshed.accessToken()).isNotEqualTo(credentials.accessToken());
		assertThat(refreshed.isDpopBound()).isTrue();
		assertThat(refreshed.dpopKey()).isEqualTo(credentials.dpopKey());
		Map<String, Object> cnf = JWTParser.parse(refreshed.accessToken()).getJWTClaimsSet().getJSONObjectClaim("cnf");
		assertThat(cnf).containsEntry("jkt", credentials.dpopKey().thumbprint());

		// the refresh token is bound too: with another key the server refuses it
		Credentials withOtherKey = new Credentials(refreshed.accessToken(), refreshed.tokenType(),
				refreshed.expiresAt(), refreshed.refreshToken(), refreshed.idToken(), refreshed.scopes(),
				io.github.pkce.dpop.DpopKey.generate());
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(withOtherKey))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_dpop_proof"));
	}

	@Test
	void theKeySurvivesARestartThroughTheFileStoreAndLogoutDeletesIt() {
		AuthorizationClient client = client(config(server).build(), alice());
		PkceAuthenticator first = PkceAuthenticator.withClient(client)
			.credentialStore(new FileCredentialStore(this.temp))
			.lockDirectory(this.temp.resolve("locks"))
			.build();
		Credentials credentials = first.login();
		// a new process: a new store and authenticator over the same directory
		PkceAuthenticator second = PkceAuthenticator.withClient(client(config(server).build(), alice()))
			.credentialStore(new FileCredentialStore(this.temp))
			.lockDirectory(this.temp.resolve("locks"))
			.interactiveLogin(false)
			.build();
		Credentials loaded = second.currentCredentials();
		assertThat(loaded).isEqualTo(credentials);
		assertThat(loaded.dpopKey().thumbprint()).isEqualTo(credentials.dpopKey().thumbprint());
		Map<String, Object> me = api(second).get().uri(server.resourceUri()).retrieve().body(JSON);
		assertThat(me).containsEntry("sub", "alice");
		Credentials refreshed = second.refreshCredentials(loaded.accessToken());
		assertThat(refreshed.dpopKey()).isEqualTo(credentials.dpopKey());
		second.logout();
		assertThat(new FileCredentialStore(this.temp).load(second.getStoreKey())).isNull();
	}

	@Test
	void autoUsesBearerTokensAgainstAServerWithoutDpop() {
		try (EmbeddedAuthorizationServer plain = EmbeddedAuthorizationServer.builder().dpop(false).start()) {
			Credentials credentials = client(config(plain).build(), alice()).login();
			assertThat(credentials.tokenType()).isEqualToIgnoringCase("Bearer");
			assertThat(credentials.dpopKey()).isNull();
			assertThat(plain.lastTokenRequestHadDpopProof()).isFalse();
			// and no pushed request: this server has no endpoint for them
			assertThat(this.opened.get(0).getQuery()).contains("code_challenge=", "state=");
		}
	}

	@Test
	void alwaysFailsClearlyAgainstAServerWithoutDpopBeforeTheBrowserOpens() {
		try (EmbeddedAuthorizationServer plain = EmbeddedAuthorizationServer.builder().dpop(false).start()) {
			AuthorizationClient client = client(config(plain).dpop(DpopMode.ALWAYS).build(), alice());
			assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.DPOP_UNSUPPORTED))
				.withMessageContaining("does not advertise DPoP");
			assertThat(this.opened).isEmpty();
			assertThat(plain.tokenRequestCount()).isZero();
		}
	}

	@Test
	void neverKeepsBearerTokensAndPlainRequestsAgainstAServerThatOffersBoth() {
		ScriptedBrowser browser = alice();
		AuthorizationClient client = client(config(server).dpop(DpopMode.NEVER).par(ParMode.NEVER).build(), browser);
		int pushes = server.pushedAuthorizationRequestCount();
		Credentials credentials = client.login();
		assertThat(credentials.tokenType()).isEqualToIgnoringCase("Bearer");
		assertThat(server.lastTokenRequestHadDpopProof()).isFalse();
		assertThat(server.pushedAuthorizationRequestCount()).isEqualTo(pushes);
		assertThat(this.opened.get(0).getQuery()).contains("code_challenge=").doesNotContain("dpop_jkt");
	}

	@Test
	void aServerThatRequiresPushedRequestsGetsThemAndRefusesPlainOnesClearly() {
		try (EmbeddedAuthorizationServer strict = EmbeddedAuthorizationServer.builder()
			.requirePushedAuthorizationRequests(true)
			.start()) {
			Credentials credentials = client(config(strict).build(), alice()).login();
			assertThat(credentials.isDpopBound()).isTrue();
			assertThat(strict.pushedAuthorizationRequestCount()).isEqualTo(1);
			AuthorizationClient never = client(config(strict).par(ParMode.NEVER).build(), alice());
			assertThatExceptionOfType(PkceException.class).isThrownBy(never::login)
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.PAR_FAILED))
				.withMessageContaining("accepts only pushed authorization requests");
			assertThat(this.opened).hasSize(1);
		}
	}

	@Test
	void aPushedRequestThatWouldExpireBeforeTheBrowserArrivesIsPushedAgain() {
		try (EmbeddedAuthorizationServer brief = EmbeddedAuthorizationServer.builder()
			.pushedAuthorizationRequests(true)
			.pushedAuthorizationRequestLifetime(Duration.ofSeconds(5))
			.start()) {
			// a request URI this close to its expiry (within the client's 5 s margin) is
			// never handed to the browser; the server still has time to replay the saved
			// request after the login form
			Credentials credentials = client(config(brief).build(), alice()).login();
			assertThat(credentials.isDpopBound()).isTrue();
			assertThat(brief.pushedAuthorizationRequestCount()).isEqualTo(2);
		}
	}

	@Test
	void theDeviceGrantBindsItsTokensToo() {
		DeviceAuthorizationClient device = DeviceAuthorizationClient
			.withClient(client(config(server).scopes("offline_access", "api").build(), alice()))
			.verificationListener(
					(verification) -> alice().completeDeviceAuthorization(verification.verificationUriComplete()))
			.sleeper((duration) -> {
			})
			.build();
		Credentials credentials = device.login();
		assertThat(credentials.isDpopBound()).isTrue();
		assertThat(server.lastTokenRequestHadDpopProof()).isTrue();
	}

}
