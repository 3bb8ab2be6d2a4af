package io.github.pkce;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Responses a real authorization server does not produce on demand: crafted callbacks
 * ({@code iss}, errors, malformed responses) and crafted token responses (ID tokens with
 * a wrong nonce or signature, refresh faults), served by WireMock.
 */
class AuthorizationClientTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static RSAKey signingKey;

	private static RSAKey otherKey;

	@BeforeAll
	static void keys() throws Exception {
		signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
		otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
	}

	private String issuer() {
		return server.baseUrl();
	}

	private ClientConfig.Builder config(boolean issAdvertised, String... scopes) {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(issuer() + "/authorize"), URI.create(issuer() + "/token"))
			.issuer(issuer())
			.jwkSetUri(URI.create(issuer() + "/jwks"))
			.authorizationResponseIssParameterSupported(issAdvertised)
			.build();
		return ClientConfig.withClientId("cli")
			.providerMetadata(metadata)
			.scopes(scopes)
			.loginTimeout(Duration.ofSeconds(2));
	}

	private AuthorizationClient client(ClientConfig config, CraftedCallbackBrowser browser) {
		return AuthorizationClient.withConfig(config).browserLauncher(browser).prompt((text) -> {
		}).build();
	}

	private static CraftedCallbackBrowser replying(Function<Map<String, String>, String> query) {
		return new CraftedCallbackBrowser((request) -> List.of(query.apply(request)));
	}

	private void stubTokenResponse(String json) {
		server.stubFor(post("/token").willReturn(okJson(json)));
	}

	private int tokenRequests() {
		return server.findAll(postRequestedFor(urlEqualTo("/token"))).size();
	}

	@Test
	void authorizationRequestCarriesPkceStateNonceAudienceAndExtraParameters() {
		stubTokenResponse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=" + request.get("state"));
		ClientConfig config = config(false, "api", "offline_access").audience("https://api.example.com")
			.authorizationParameters(Map.of("prompt", "login"))
			.tokenParameters(Map.of("resource", "https://api.example.com"))
			.build();
		client(config, browser).login();
		Map<String, String> request = browser.requests.get(0);
		assertThat(request).containsEntry("response_type", "code")
			.containsEntry("client_id", "cli")
			.containsEntry("scope", "api offline_access")
			.containsEntry("code_challenge_method", "S256")
			.containsEntry("audience", "https://api.example.com")
			.containsEntry("prompt", "login")
			.containsKeys("state", "code_challenge")
			.doesNotContainKey("nonce");
		assertThat(request.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/callback");
		assertThat(request.get("redirect_uri")).doesNotContain(":0/");
		server
			.verify(postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("grant_type=authorization_code"))
				.withRequestBody(containing("code=c1"))
				.withRequestBody(containing("code_verifier="))
				.withRequestBody(containing("client_id=cli"))
				.withRequestBody(containing("resource=https%3A%2F%2Fapi.example.com")));
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token"))).get(0).getBodyAsString())
			.doesNotContain("audience");
	}

	@Test
	void repeatedAuthorizationParametersAreSentInTheTokenRequestWhenAskedFor() {
		stubTokenResponse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=" + request.get("state"));
		ClientConfig config = config(false, "api").audience("https://api.example.com")
			.repeatAuthorizationParametersInTokenRequest(true)
			.build();
		client(config, browser).login();
		String body = server.findAll(postRequestedFor(urlEqualTo("/token"))).get(0).getBodyAsString();
		assertThat(body).contains("audience=https%3A%2F%2Fapi.example.com").contains("scope=api");
	}

	@Test
	void verifierStateAndNonceAreFreshForEveryLogin() throws Exception {
		serveKeys(signingKey);
		CraftedCallbackBrowser browser = replying((request) -> {
			stubTokenResponse(tokenResponseWithIdToken(signingKey, request.get("nonce")));
			return "code=c1&state=" + request.get("state");
		});
		AuthorizationClient client = client(config(false, "openid").build(), browser);
		client.login();
		client.login();
		assertThat(browser.requests.get(0).get("state")).isNotEqualTo(browser.requests.get(1).get("state"));
		assertThat(browser.requests.get(0).get("code_challenge"))
			.isNotEqualTo(browser.requests.get(1).get("code_challenge"));
		assertThat(browser.requests).extracting((request) -> request.get("nonce")).doesNotContainNull();
		assertThat(browser.requests.get(0).get("nonce")).isNotEqualTo(browser.requests.get(1).get("nonce"));
		List<String> verifiers = server.findAll(postRequestedFor(urlEqualTo("/token")))
			.stream()
			.map((request) -> CraftedCallbackBrowser.parse(request.getBodyAsString()).get("code_verifier"))
			.toList();
		assertThat(verifiers).hasSize(2).doesNotContainNull().doesNotHaveDuplicates();
		// each verifier is the one of its own login's challenge (RFC 7636 section 4.6)
		for (int i = 0; i < 2; i++) {
			assertThat(s256(verifiers.get(i))).isEqualTo(browser.requests.get(i).get("code_challenge"));
		}
	}

	@Test
	void responseFromAnotherIssuerIsRejectedBeforeTheCodeIsExchanged() {
		stubTokenResponse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		CraftedCallbackBrowser browser = replying(
				(request) -> "code=c1&state=" + request.get("state") + "&iss=https%3A%2F%2Fevil.example");
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "api").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ISSUER))
			.withMessage("The sign-in response came from issuer 'https://evil.example', not from '" + issuer()
					+ "'. It was rejected (RFC 9207); the code was not used. This can mean a mix-up attack; sign in "
					+ "again and check the configured issuer.");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void responseWithoutIssIsRejectedWhenTheServerAdvertisesIt() {
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=" + request.get("state"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(true, "api").build(), browser).login())
			.withMessage("The sign-in response has no 'iss' although " + issuer()
					+ " always sends one (RFC 9207). It was rejected; the code was not used. Sign in again.");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void issIsAcceptedWhenNoIssuerIsConfiguredToCompareItWith() {
		stubTokenResponse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(issuer() + "/authorize"), URI.create(issuer() + "/token"))
			.build();
		ClientConfig config = ClientConfig.withClientId("cli")
			.providerMetadata(metadata)
			.scopes("api")
			.loginTimeout(Duration.ofSeconds(2))
			.build();
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=" + request.get("state") + "&iss="
				+ CraftedCallbackBrowser.encode(issuer()));
		assertThat(client(config, browser).login().accessToken()).isEqualTo("at");
	}

	@Test
	void responseWithTheRightIssIsAccepted() {
		stubTokenResponse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=" + request.get("state") + "&iss="
				+ CraftedCallbackBrowser.encode(issuer()));
		Credentials credentials = client(config(true, "api").build(), browser).login();
		assertThat(credentials.accessToken()).isEqualTo("at");
		assertThat(tokenRequests()).isOne();
	}

	@Test
	void errorRedirectEndsTheLoginWithTheOAuthError() {
		CraftedCallbackBrowser browser = replying(
				(request) -> "error=access_denied&error_description=User+cancelled&state=" + request.get("state"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "api").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("access_denied"))
			.withMessage("The authorization server refused the sign-in: access_denied (User cancelled). The sign-in "
					+ "was cancelled or not allowed; run the login again to retry.");
		assertThat(browser.responses.get(0).statusCode()).isEqualTo(200);
		assertThat(browser.responses.get(0).body()).contains("access_denied");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void responseWithoutCodeIsRejected() {
		CraftedCallbackBrowser browser = replying((request) -> "state=" + request.get("state"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "api").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_RESPONSE))
			.withMessage("The sign-in response was malformed: The authorization response has no code. The code was "
					+ "not used; run the login again.");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void responseWithWrongStateIsRejectedAndTheLoginTimesOut() {
		CraftedCallbackBrowser browser = replying((request) -> "code=c1&state=forged");
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "api").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessageContaining("did not match this login");
		assertThat(browser.responses.get(0).statusCode()).isEqualTo(400);
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void responseWithRepeatedParametersIsRejected() {
		CraftedCallbackBrowser browser = replying(
				(request) -> "code=c1&code=c2&state=" + request.get("state") + "&state=" + request.get("state"));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "api").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
			.withMessageContaining("more than once");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void idTokenWithWrongNonceIsRejected() throws Exception {
		serveKeys(signingKey);
		CraftedCallbackBrowser browser = replying((request) -> {
			stubTokenResponse(tokenResponseWithIdToken(signingKey, "not-the-nonce"));
			return "code=c1&state=" + request.get("state");
		});
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "openid").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
			.withMessage("The ID token from " + issuer() + " failed validation (invalid_nonce). The login was "
					+ "rejected; sign in again, and if it keeps failing check the issuer and client id.");
	}

	@Test
	void idTokenWithBadSignatureIsRejected() throws Exception {
		serveKeys(signingKey);
		CraftedCallbackBrowser browser = replying((request) -> {
			stubTokenResponse(tokenResponseWithIdToken(otherKey, request.get("nonce")));
			return "code=c1&state=" + request.get("state");
		});
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> client(config(false, "openid").build(), browser).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
			.withMessageStartingWith("The ID token from " + issuer() + " failed validation (")
			.withMessageContaining("Invalid signature");
	}

	@Test
	void idTokenWithRightNonceAndSignatureIsAccepted() throws Exception {
		serveKeys(signingKey);
		CraftedCallbackBrowser browser = replying((request) -> {
			stubTokenResponse(tokenResponseWithIdToken(signingKey, request.get("nonce")));
			return "code=c1&state=" + request.get("state");
		});
		Credentials credentials = client(config(false, "openid").build(), browser).login();
		assertThat(credentials.idToken()).isNotNull();
		assertThat(credentials.refreshToken()).isEqualTo("rt1");
		assertThat(browser.requests.get(0).get("nonce")).hasSize(43);
	}

	@Test
	void refreshKeepsTheRefreshTokenWhenTheServerReturnsNone() {
		stubTokenResponse("{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		Credentials refreshed = client.refresh(expired("rt1"));
		assertThat(refreshed.accessToken()).isEqualTo("at2");
		assertThat(refreshed.refreshToken()).isEqualTo("rt1");
		assertThat(refreshed.expiresAt()).isAfter(Instant.now());
		server.verify(postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("grant_type=refresh_token"))
			.withRequestBody(containing("refresh_token=rt1"))
			.withRequestBody(containing("client_id=cli")));
	}

	@Test
	void refreshTakesTheRotatedRefreshToken() {
		stubTokenResponse(
				"{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt2\"}");
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThat(client.refresh(expired("rt1")).refreshToken()).isEqualTo("rt2");
	}

	@Test
	void tokenWithoutExpiresInHasNoKnownExpiry() {
		stubTokenResponse("{\"access_token\":\"at2\",\"token_type\":\"Bearer\"}");
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		Credentials refreshed = client.refresh(expired("rt1"));
		assertThat(refreshed.expiresAt()).isNull();
		assertThat(refreshed.isValidAt(Instant.now().plusSeconds(3600), Duration.ofSeconds(60))).isTrue();
	}

	@Test
	void refusedRefreshReportsInvalidGrant() {
		server.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Token is not active\"}")));
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"))
			.withMessage("The token endpoint refused the refresh: invalid_grant (Token is not active). Sign in again.");
	}

	@Test
	void invalidClientAnsweredWithABasicChallengeKeepsItsErrorCode() {
		// RFC 6749 section 5.2: a client that used Basic gets 401 and WWW-Authenticate
		server.stubFor(post("/token").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withHeader("WWW-Authenticate", "Basic realm=\"token\"")
			.withBody("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}")));
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_client"))
			.withMessageContaining("Client authentication failed");
	}

	@Test
	void invalidGrantAnsweredWith401KeepsItsErrorCode() {
		server.stubFor(post("/token").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withHeader("WWW-Authenticate", "Basic realm=\"token\"")
			.withBody("{\"error\":\"invalid_grant\"}")));
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"));
	}

	@Test
	void serverErrorDuringRefreshIsReportedAsUnavailable() {
		server.stubFor(post("/token").willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessage("The token endpoint " + issuer() + "/token answered HTTP 503 during the refresh. Nothing was "
					+ "changed; check the network connection and try again.");
	}

	@Test
	void unreachableTokenEndpointIsReportedAsUnavailable() {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create("http://127.0.0.1:1/authorize"), URI.create("http://127.0.0.1:1/token"))
			.build();
		ClientConfig config = ClientConfig.withClientId("cli").providerMetadata(metadata).build();
		AuthorizationClient client = client(config, replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessage("The token endpoint http://127.0.0.1:1/token could not be reached during the refresh. "
					+ "Nothing was changed; check the network connection and try again.");
	}

	@Test
	void malformedTokenResponseIsReportedAsUnavailable() {
		server.stubFor(post("/token")
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"acc")));
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired("rt1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE));
	}

	@Test
	void refreshWithoutRefreshTokenAsksForALogin() {
		AuthorizationClient client = client(config(false, "api").build(), replying((request) -> ""));
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(
				() -> client.refresh(new Credentials("at", "Bearer", Instant.now(), null, null, java.util.Set.of())))
			.withMessage("The access token has expired and there is no refresh token. Sign in again.");
		assertThat(tokenRequests()).isZero();
	}

	private static Credentials expired(String refreshToken) {
		return new Credentials("at1", "Bearer", Instant.now().minusSeconds(10), refreshToken, null,
				java.util.Set.of("api"));
	}

	private static String s256(String value) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

	private void serveKeys(RSAKey key) {
		server.stubFor(get("/jwks").willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
	}

	private String tokenResponseWithIdToken(RSAKey key, String nonce) {
		try {
			JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer())
				.subject("alice")
				.audience("cli")
				.issueTime(new Date())
				.expirationTime(Date.from(Instant.now().plusSeconds(300)))
				.claim("nonce", nonce)
				.build();
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt1\","
					+ "\"id_token\":\"" + jwt.serialize() + "\"}";
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
