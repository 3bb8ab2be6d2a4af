package io.github.pkce;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The device authorization grant (RFC 8628) against crafted server answers: polling
 * rules, errors and expiry, with a fake clock and sleeper so nothing waits.
 */
class DeviceAuthorizationClientTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String TOKENS = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,"
			+ "\"refresh_token\":\"rt\",\"scope\":\"api offline_access\"}";

	private static final String PENDING = "{\"error\":\"authorization_pending\"}";

	private static final String SLOW_DOWN = "{\"error\":\"slow_down\"}";

	private static RSAKey signingKey;

	private static RSAKey otherKey;

	private final FakeTime time = new FakeTime();

	private final List<String> prompts = new CopyOnWriteArrayList<>();

	private final List<DeviceVerification> verifications = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void keys() throws Exception {
		signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
		otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
	}

	private String issuer() {
		return server.baseUrl();
	}

	private ProviderMetadata.Builder metadata() {
		return ProviderMetadata.withEndpoints(URI.create(issuer() + "/authorize"), URI.create(issuer() + "/token"))
			.issuer(issuer())
			.jwkSetUri(URI.create(issuer() + "/jwks"))
			.deviceAuthorizationEndpoint(URI.create(issuer() + "/device"));
	}

	private ClientConfig.Builder config() {
		return ClientConfig.withClientId("cli").providerMetadata(metadata().build()).scopes("api", "offline_access");
	}

	private DeviceAuthorizationClient client() {
		return client(config().build());
	}

	private DeviceAuthorizationClient client(ClientConfig config) {
		return builder(config).build();
	}

	private DeviceAuthorizationClient.Builder builder(ClientConfig config) {
		return DeviceAuthorizationClient.withConfig(config)
			.prompt(this.prompts::add)
			.verificationListener(this.verifications::add)
			.clock(this.time)
			.sleeper(this.time);
	}

	private static void stubDeviceAuthorization(String extra) {
		server.stubFor(post("/device").willReturn(okJson("{\"device_code\":\"dc1\",\"user_code\":\"WDJB-MJHT\","
				+ "\"verification_uri\":\"https://example.com/device\",\"expires_in\":1800" + extra + "}")));
	}

	/**
	 * Stubs the token endpoint to answer the given bodies in order, the last one from
	 * then on; bodies with an {@code error} come with status 400.
	 */
	private static void stubPolls(String... bodies) {
		for (int i = 0; i < bodies.length; i++) {
			String state = (i == 0) ? Scenario.STARTED : "poll " + i;
			int status = bodies[i].contains("\"error\"") ? 400 : 200;
			var stub = post("/token").inScenario("polls")
				.whenScenarioStateIs(state)
				.willReturn(aResponse().withStatus(status)
					.withHeader("Content-Type", "application/json")
					.withBody(bodies[i]));
			if (i < bodies.length - 1) {
				stub = stub.willSetStateTo("poll " + (i + 1));
			}
			server.stubFor(stub);
		}
	}

	private static int polls() {
		return server.findAll(postRequestedFor(urlEqualTo("/token"))).size();
	}

	private static List<Duration> seconds(long... values) {
		return java.util.Arrays.stream(values).mapToObj(Duration::ofSeconds).toList();
	}

	@Test
	void pendingThenApprovedGivesTheTokens() {
		stubDeviceAuthorization(",\"interval\":3");
		stubPolls(PENDING, PENDING, TOKENS);
		ClientConfig config = config().audience("https://api.example.com")
			.tokenParameters(Map.of("resource", "https://api.example.com"))
			.build();
		Credentials credentials = client(config).login();
		assertThat(credentials.accessToken()).isEqualTo("at");
		assertThat(credentials.refreshToken()).isEqualTo("rt");
		assertThat(credentials.expiresAt()).isNotNull();
		assertThat(credentials.scopes()).containsExactlyInAnyOrder("api", "offline_access");
		assertThat(credentials.idToken()).isNull();
		assertThat(this.time.sleeps).isEqualTo(seconds(3, 3, 3));
		assertThat(polls()).isEqualTo(3);
		server.verify(postRequestedFor(urlEqualTo("/device")).withRequestBody(containing("client_id=cli"))
			.withRequestBody(containing("scope=api+offline_access"))
			.withRequestBody(containing("audience=https%3A%2F%2Fapi.example.com")));
		server.verify(3,
				postRequestedFor(urlEqualTo("/token"))
					.withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"))
					.withRequestBody(containing("device_code=dc1"))
					.withRequestBody(containing("client_id=cli"))
					.withRequestBody(containing("resource=https%3A%2F%2Fapi.example.com")));
	}

	@Test
	void missingIntervalMeansFiveSeconds() {
		stubDeviceAuthorization("");
		stubPolls(PENDING, TOKENS);
		client().login();
		assertThat(this.time.sleeps).isEqualTo(seconds(5, 5));
	}

	@Test
	void slowDownAddsFiveSecondsToThisAndEveryLaterWait() {
		stubDeviceAuthorization(",\"interval\":5");
		stubPolls(PENDING, SLOW_DOWN, PENDING, SLOW_DOWN, TOKENS);
		client().login();
		assertThat(this.time.sleeps).isEqualTo(seconds(5, 5, 10, 10, 15));
	}

	@Test
	void timedOutPollDoublesTheInterval() {
		stubDeviceAuthorization(",\"interval\":2");
		stubPolls(TOKENS);
		AtomicInteger tokenRequests = new AtomicInteger();
		RestClient timingOutOnce = RestClient.builder().requestInterceptor((request, body, execution) -> {
			if (request.getURI().getPath().equals("/token") && tokenRequests.incrementAndGet() == 1) {
				throw new SocketTimeoutException("Read timed out");
			}
			return execution.execute(request, body);
		}).build();
		Credentials credentials = builder(config().build()).restClient(timingOutOnce).build().login();
		assertThat(credentials.accessToken()).isEqualTo("at");
		assertThat(this.time.sleeps).isEqualTo(seconds(2, 4));
	}

	@Test
	void accessDeniedEndsTheLogin() {
		stubDeviceAuthorization("");
		stubPolls(PENDING, "{\"error\":\"access_denied\"}");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("access_denied"))
			.withMessage("The device sign-in was denied (access_denied). Run the login again and approve the request "
					+ "on the verification page to sign in.");
		assertThat(polls()).isEqualTo(2);
	}

	@Test
	void expiredTokenEndsTheLogin() {
		stubDeviceAuthorization("");
		stubPolls("{\"error\":\"expired_token\"}");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("expired_token"))
			.withMessage("The code expired before the device sign-in was approved (expired_token). Run the login "
					+ "again and approve it within 30 minutes.");
	}

	@Test
	void expiresInBoundsTheWait() {
		server.stubFor(post("/device").willReturn(okJson("{\"device_code\":\"dc1\",\"user_code\":\"WDJB-MJHT\","
				+ "\"verification_uri\":\"https://example.com/device\",\"expires_in\":12,\"interval\":5}")));
		stubPolls(PENDING);
		Instant start = this.time.instant();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("expired_token"))
			.withMessage("The code expired before the device sign-in was approved (expired_token). Run the login "
					+ "again and approve it within 12 seconds.");
		assertThat(this.time.sleeps).isEqualTo(seconds(5, 5, 2));
		assertThat(polls()).isEqualTo(2);
		assertThat(this.time.instant()).isEqualTo(start.plusSeconds(12));
		assertThat(this.verifications.get(0).expiresAt()).isEqualTo(start.plusSeconds(12));
	}

	@Test
	void serverWithoutDeviceEndpointIsReported() {
		ProviderMetadata withoutDevice = metadata().deviceAuthorizationEndpoint(null).build();
		DeviceAuthorizationClient client = client(config().providerMetadata(withoutDevice).build());
		assertThat(client.isSupported()).isFalse();
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("unsupported_grant_type"))
			.withMessage("The authorization server " + issuer() + " has no device authorization endpoint, so it "
					+ "cannot sign in with a code entered on another device (RFC 8628). Use the browser login "
					+ "instead.");
		assertThat(server.getAllServeEvents()).isEmpty();
		assertThat(this.prompts).isEmpty();
	}

	@Test
	void serverErrorDuringPollingIsReportedAsUnavailable() {
		stubDeviceAuthorization("");
		server.stubFor(post("/token").willReturn(aResponse().withStatus(500).withBody("<html>oops</html>")));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessage("The token endpoint " + issuer() + "/token answered HTTP 500 during the device sign-in. "
					+ "Nothing was changed; check the network connection and try again.");
	}

	@Test
	void otherTokenErrorsAreReportedWithTheirCode() {
		stubDeviceAuthorization("");
		stubPolls("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown device code\"}");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"))
			.withMessage("The token endpoint refused the device sign-in: invalid_grant (Unknown device code). Run the "
					+ "login again.");
	}

	@Test
	void promptShowsTheCompleteUriAndTheCodeToCheck() {
		server.stubFor(post("/device").willReturn(okJson("{\"device_code\":\"dc1\",\"user_code\":\"WDJB-MJHT\","
				+ "\"verification_uri\":\"https://example.com/device\",\"verification_uri_complete\":"
				+ "\"https://example.com/device?user_code=WDJB-MJHT\",\"expires_in\":600}")));
		stubPolls(TOKENS);
		client().login();
		String nl = System.lineSeparator();
		assertThat(this.prompts).containsExactly("To sign in, open this page in a browser on any device:" + nl + nl
				+ "    https://example.com/device?user_code=WDJB-MJHT" + nl + nl + "Check that it shows this code:" + nl
				+ nl + "    WDJB-MJHT" + nl + nl + "The code expires in 10 minutes." + nl);
		DeviceVerification verification = this.verifications.get(0);
		assertThat(verification.verificationUri()).hasToString("https://example.com/device");
		assertThat(verification.verificationUriComplete())
			.hasToString("https://example.com/device?user_code=WDJB-MJHT");
		assertThat(verification.userCode()).isEqualTo("WDJB-MJHT");
		assertThat(verification.toString()).doesNotContain("WDJB-MJHT");
	}

	@Test
	void promptShowsTheUriAndTheCodeToEnter() {
		stubDeviceAuthorization("");
		stubPolls(TOKENS);
		client().login();
		assertThat(this.prompts).singleElement()
			.asString()
			.contains("    https://example.com/device" + System.lineSeparator())
			.contains("Enter this code:")
			.contains("    WDJB-MJHT")
			.contains("The code expires in 30 minutes.");
		assertThat(this.verifications.get(0).verificationUriComplete()).isNull();
	}

	@Test
	void interruptEndsTheWaitAndKeepsTheInterruptFlag() {
		stubDeviceAuthorization("");
		stubPolls(PENDING);
		DeviceAuthorizationClient client = builder(config().build()).sleeper((duration) -> {
			throw new InterruptedException();
		}).build();
		try {
			assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_CANCELLED))
				.withMessage("The login was cancelled while it waited for the device sign-in to be approved.");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(polls()).isZero();
	}

	@Test
	void refusedScopeIsReportedWithAdvice() {
		server.stubFor(post("/device").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_scope\",\"error_description\":\"OAuth 2.0 Parameter: scope\"}")));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_scope"))
			.withMessage("The device authorization endpoint " + issuer() + "/device refused the request: "
					+ "invalid_scope (OAuth 2.0 Parameter: scope). Check the configured scopes: some servers refuse "
					+ "some scopes, such as openid, on the device grant.");
		assertThat(this.prompts).isEmpty();
		assertThat(polls()).isZero();
	}

	@Test
	void unauthenticatedDeviceRequestIsReportedAsInvalidClient() {
		server.stubFor(post("/device").willReturn(aResponse().withStatus(401)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_client"))
			.withMessage("The device authorization endpoint " + issuer() + "/device refused the request with HTTP "
					+ "401. Check the client id and that the client may use the device authorization grant.");
	}

	@Test
	void dpopRequiredAgainstAServerWithoutItFailsBeforeTheDeviceRequest() {
		stubDeviceAuthorization("");
		ClientConfig config = config().dpop(DpopMode.ALWAYS).build();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client(config).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.DPOP_UNSUPPORTED))
			.withMessageEndingWith("Nothing was sent to the server.");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/device")))).isEmpty();
	}

	@Test
	void rateLimitedPollIsReportedAsUnavailableNotAsAClientProblem() {
		stubDeviceAuthorization(",\"interval\":1");
		server.stubFor(post("/token").willReturn(aResponse().withStatus(429)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessageContaining("asked to slow down (HTTP 429)");
	}

	@Test
	void wrongTokenEndpointIsNotReportedAsAClientProblem() {
		stubDeviceAuthorization(",\"interval\":1");
		server.stubFor(post("/token").willReturn(aResponse().withStatus(404)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessageContaining("answered HTTP 404");
	}

	@Test
	void unavailableDeviceEndpointIsReported() {
		server.stubFor(post("/device").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessage("The device authorization endpoint " + issuer() + "/device answered HTTP 503. Nothing was "
					+ "changed; check the network connection and try again.");
	}

	@Test
	void malformedDeviceAuthorizationResponseIsReported() {
		server.stubFor(post("/device")
			.willReturn(okJson("{\"device_code\":\"dc1\",\"user_code\":\"WDJB-MJHT\",\"expires_in\":600}")));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client().login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessageStartingWith("The device authorization endpoint " + issuer()
					+ "/device sent a response that is not a valid device authorization response (")
			.withMessageContaining("verificationUri cannot be empty")
			.withMessageNotContaining("dc1");
	}

	@Test
	void idTokenIsValidatedAndKept() throws Exception {
		serveKeys();
		stubDeviceAuthorization("");
		stubPolls(tokensWithIdToken(signingKey, "cli"));
		Credentials credentials = client(config().scopes("openid", "api").build()).login();
		assertThat(credentials.idToken()).isNotNull();
	}

	@Test
	void idTokenWithBadSignatureIsRejected() throws Exception {
		serveKeys();
		stubDeviceAuthorization("");
		stubPolls(tokensWithIdToken(otherKey, "cli"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config().scopes("openid", "api").build()).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
			.withMessageStartingWith("The ID token from " + issuer() + " failed validation (")
			.withMessageContaining("Invalid signature");
	}

	@Test
	void idTokenForAnotherClientIsRejected() throws Exception {
		serveKeys();
		stubDeviceAuthorization("");
		stubPolls(tokensWithIdToken(signingKey, "other-client"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config().scopes("openid", "api").build()).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
			.withMessageContaining("aud");
	}

	@Test
	void deviceCodeAndUserCodeStayOutOfToString() {
		stubDeviceAuthorization("");
		DeviceAuthorizationClient.PendingAuthorization authorization = client().requestAuthorization();
		assertThat(authorization.deviceCode()).isEqualTo("dc1");
		assertThat(authorization.toString()).doesNotContain("dc1").doesNotContain("WDJB-MJHT");
	}

	private void serveKeys() {
		server.stubFor(get("/jwks").willReturn(okJson(new JWKSet(signingKey.toPublicJWK()).toString())));
	}

	private String tokensWithIdToken(RSAKey key, String audience) throws Exception {
		Instant now = this.time.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer())
			.subject("alice")
			.audience(audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims);
		jwt.sign(new RSASSASigner(key));
		return "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\"" + jwt.serialize()
				+ "\"}";
	}

}
