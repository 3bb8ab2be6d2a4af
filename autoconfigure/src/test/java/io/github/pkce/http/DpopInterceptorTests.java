package io.github.pkce.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptor with DPoP-bound credentials (RFC 9449 section 7) against a service that
 * demands nonces or rejects tokens on demand (WireMock). The end-to-end tests cover a
 * real resource server that validates proofs.
 */
@ExtendWith(OutputCaptureExtension.class)
class DpopInterceptorTests {

	@RegisterExtension
	static WireMockExtension api = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private final DpopKey key = DpopKey.generate();

	private InMemoryCredentialStore store;

	private PkceAuthenticator authenticator;

	private RestClient restClient;

	@BeforeEach
	void setUp() {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(api.baseUrl() + "/authorize"), URI.create(api.baseUrl() + "/token"))
			.build();
		AuthorizationClient client = AuthorizationClient
			.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
			.build();
		this.store = new InMemoryCredentialStore();
		this.authenticator = PkceAuthenticator.withClient(client)
			.credentialStore(this.store)
			.storeKey("k")
			.interactiveLogin(false)
			.build();
		this.restClient = RestClient.builder()
			.requestInterceptor(new BearerTokenInterceptor(this.authenticator, List.of(URI.create(api.baseUrl()))))
			.build();
	}

	private void store(String tokenType) {
		this.store.save("k",
				new Credentials("at1", tokenType, Instant.now().plusSeconds(3600), "rt1", null, Set.of(), this.key));
	}

	private List<LoggedRequest> dataRequests() {
		return api.findAll(getRequestedFor(urlPathEqualTo("/data")));
	}

	private static Jwt verified(LoggedRequest request, String accessToken) {
		String proof = request.getHeader("DPoP");
		assertThat(proof).isNotNull();
		URI uri = URI.create(request.getAbsoluteUrl());
		String target = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
		Jwt jwt = new DPoPProofJwtDecoderFactory().createDecoder(
				DPoPProofContext.withDPoPProof(proof).method(request.getMethod().getName()).targetUri(target).build())
			.decode(proof);
		// RFC 9449 section 4.2: the hash of the access token the proof goes with
		assertThat(jwt.getClaimAsString("ath")).isEqualTo(Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(sha256(accessToken.getBytes(StandardCharsets.US_ASCII))));
		return jwt;
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private int call(String path) {
		return this.restClient.get()
			.uri(api.baseUrl() + path)
			.exchange((request, response) -> response.getStatusCode().value());
	}

	@Test
	void boundTokenIsSentAsDpopWithAProofForTheRequest() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).willReturn(okJson("{}")));
		assertThat(call("/data?page=2#top")).isEqualTo(200);
		LoggedRequest request = dataRequests().get(0);
		assertThat(request.getHeader("Authorization")).isEqualTo("DPoP at1");
		Jwt proof = verified(request, "at1");
		assertThat(proof.getClaimAsString("htu")).isEqualTo(api.baseUrl() + "/data");
		assertThat(proof.getClaimAsString("htm")).isEqualTo("GET");
	}

	@Test
	void everyRequestHasAProofOfItsOwn() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).willReturn(okJson("{}")));
		call("/data");
		call("/data");
		assertThat(dataRequests()).extracting((request) -> request.getHeader("DPoP")).doesNotHaveDuplicates();
	}

	@Test
	void bearerTokenIssuedDespiteAProofIsSentAsABearerToken() {
		store("Bearer");
		api.stubFor(get(urlPathEqualTo("/data")).willReturn(okJson("{}")));
		call("/data");
		LoggedRequest request = dataRequests().get(0);
		assertThat(request.getHeader("Authorization")).isEqualTo("Bearer at1");
		assertThat(request.containsHeader("DPoP")).isFalse();
	}

	@Test
	void serviceAskingForANonceGetsOneRetryAndTheNonceIsKeptForLaterRequests() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate",
						"DPoP error=\"use_dpop_nonce\", error_description=\"Resource "
								+ "server requires nonce in DPoP proof\"")
				.withHeader("DPoP-Nonce", "r1"))
			.willSetStateTo("nonce sent"));
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs("nonce sent")
			.willReturn(okJson("{}")));
		assertThat(call("/data")).isEqualTo(200);
		assertThat(call("/data")).isEqualTo(200);
		List<LoggedRequest> requests = dataRequests();
		assertThat(requests).hasSize(3);
		assertThat(verified(requests.get(0), "at1").getClaims()).doesNotContainKey("nonce");
		assertThat(verified(requests.get(1), "at1").getClaimAsString("nonce")).isEqualTo("r1");
		assertThat(verified(requests.get(2), "at1").getClaimAsString("nonce")).isEqualTo("r1");
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
	}

	@Test
	void concurrentRequestsSentBeforeAnyNonceWasKnownEachGetTheirRetry() throws Exception {
		store("DPoP");
		var nonceChallenge = aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
			.withHeader("DPoP-Nonce", "r1")
			.withFixedDelay(500);
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("race")
			.whenScenarioStateIs(STARTED)
			.willReturn(nonceChallenge)
			.willSetStateTo("one answered"));
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("race")
			.whenScenarioStateIs("one answered")
			.willReturn(nonceChallenge)
			.willSetStateTo("both answered"));
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("race")
			.whenScenarioStateIs("both answered")
			.willReturn(okJson("{}")));
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			var first = pool.submit(() -> call("/data"));
			var second = pool.submit(() -> call("/data"));
			// the slower of the two finds the nonce already known, yet its proof did not
			// carry it
			assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
			assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(dataRequests()).hasSize(4);
	}

	@Test
	void serviceThatKeepsAskingForANonceGetsOneRetryOnly() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).willReturn(aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
			.withHeader("DPoP-Nonce", "again")));
		assertThat(call("/data")).isEqualTo(401);
		assertThat(dataRequests()).hasSize(2);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
	}

	@Test
	void serviceThatDoesNotUnderstandDpopIsNamedOnceAndGetsNoBearerFallback(CapturedOutput output) {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer realm=\"api\"")));
		assertThat(call("/data")).isEqualTo(401);
		assertThat(call("/data")).isEqualTo(401);
		// the bound token is never downgraded to a bearer token (RFC 9449 section 7.2)
		assertThat(dataRequests()).hasSize(2)
			.allSatisfy((request) -> assertThat(request.getHeader("Authorization")).isEqualTo("DPoP at1"));
		assertThat(output.getAll()).containsOnlyOnce("refused a DPoP-bound access token without offering DPoP")
			.contains("set dpop to never")
			.doesNotContain("at1");
	}

	@Test
	void nonceChallengeWithAnUnquotedErrorGetsARetry() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "DPoP algs=\"ES256\", error=use_dpop_nonce")
				.withHeader("DPoP-Nonce", "r1"))
			.willSetStateTo("nonce sent"));
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs("nonce sent")
			.willReturn(okJson("{}")));
		assertThat(call("/data")).isEqualTo(200);
		assertThat(verified(dataRequests().get(1), "at1").getClaimAsString("nonce")).isEqualTo("r1");
	}

	@Test
	void nonceChallengeWithAnInvalidNonceGetsNoRetry() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).willReturn(aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
			.withHeader("DPoP-Nonce", "not a nonce")));
		assertThat(call("/data")).isEqualTo(401);
		assertThat(dataRequests()).hasSize(1);
	}

	@Test
	void nonceChallengeWithTheNonceTheProofCarriedGetsNoRetry() {
		store("DPoP");
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs(STARTED)
			.willReturn(okJson("{}").withHeader("DPoP-Nonce", "r1"))
			.willSetStateTo("nonce sent"));
		api.stubFor(get(urlPathEqualTo("/data")).inScenario("nonce")
			.whenScenarioStateIs("nonce sent")
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
				.withHeader("DPoP-Nonce", "r1")));
		assertThat(call("/data")).isEqualTo(200);
		assertThat(call("/data")).isEqualTo(401);
		List<LoggedRequest> requests = dataRequests();
		assertThat(requests).hasSize(2);
		assertThat(verified(requests.get(1), "at1").getClaimAsString("nonce")).isEqualTo("r1");
	}

	@Test
	void boundTokenRefusedByABearerChallengeIsNotRefreshedButNamedOnce(CapturedOutput output) {
		store("DPoP");
		api.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"at2\",\"token_type\":\"DPoP\",\"expires_in\":3600,\"refresh_token\":\"rt2\"}")));
		api.stubFor(get(urlPathEqualTo("/data"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		assertThat(call("/data")).isEqualTo(401);
		assertThat(call("/data")).isEqualTo(401);
		assertThat(dataRequests()).hasSize(2)
			.allSatisfy((request) -> assertThat(request.getHeader("Authorization")).isEqualTo("DPoP at1"));
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
		assertThat(output.getAll()).containsOnlyOnce("refused a DPoP-bound access token without offering DPoP");
	}

	@Test
	void rejectedBoundTokenIsRefreshedOnADpopChallengeAmongOthers() {
		store("DPoP");
		api.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"at2\",\"token_type\":\"DPoP\",\"expires_in\":3600,\"refresh_token\":\"rt2\"}")));
		api.stubFor(get(urlPathEqualTo("/data")).withHeader("Authorization", equalTo("DPoP at1"))
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "Bearer realm=\"api\"")
				.withHeader("WWW-Authenticate", "DPoP algs=\"ES256\", error=invalid_token")));
		api.stubFor(
				get(urlPathEqualTo("/data")).withHeader("Authorization", equalTo("DPoP at2")).willReturn(okJson("{}")));
		assertThat(call("/data")).isEqualTo(200);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void rejectedBoundTokenIsRefreshedWithAProofAndTheRequestRetriedOnce() {
		store("DPoP");
		api.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"at2\",\"token_type\":\"DPoP\",\"expires_in\":3600,\"refresh_token\":\"rt2\"}")));
		api.stubFor(get(urlPathEqualTo("/data")).withHeader("Authorization", equalTo("DPoP at1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "DPoP error=\"invalid_token\"")));
		api.stubFor(
				get(urlPathEqualTo("/data")).withHeader("Authorization", equalTo("DPoP at2")).willReturn(okJson("{}")));
		assertThat(call("/data")).isEqualTo(200);
		List<LoggedRequest> refreshes = api.findAll(postRequestedFor(urlEqualTo("/token")));
		assertThat(refreshes).hasSize(1);
		assertThat(refreshes.get(0).getHeader("DPoP")).isNotNull();
		assertThat(verified(dataRequests().get(1), "at2")).isNotNull();
		assertThat(this.store.load("k").dpopKey()).isEqualTo(this.key);
	}

}
