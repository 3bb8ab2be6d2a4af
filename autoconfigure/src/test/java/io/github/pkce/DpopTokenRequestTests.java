package io.github.pkce;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.jwk.JWK;
import io.github.pkce.dpop.DpopKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.Jwt;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DPoP (RFC 9449) at the token endpoint, against a WireMock server for what a real server
 * will not do on demand: ask for a nonce, answer a proof with a bearer token, or
 * advertise algorithms we do not sign with. The end-to-end tests cover a real server that
 * binds tokens.
 */
class DpopTokenRequestTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String DPOP_TOKEN = "{\"access_token\":\"at\",\"token_type\":\"DPoP\",\"expires_in\":300,"
			+ "\"refresh_token\":\"rt2\"}";

	private static final String BEARER_TOKEN = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}";

	private URI tokenEndpoint() {
		return URI.create(server.baseUrl() + "/token");
	}

	private ClientConfig.Builder config(DpopMode mode, List<String> algorithms) {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), tokenEndpoint())
			.issuer(server.baseUrl())
			.dpopSigningAlgorithms(algorithms)
			.build();
		return ClientConfig.withClientId("cli")
			.providerMetadata(metadata)
			.scopes("api")
			.dpop(mode)
			.loginTimeout(Duration.ofSeconds(2));
	}

	private static AuthorizationClient client(ClientConfig config, CraftedCallbackBrowser browser) {
		return AuthorizationClient.withConfig(config).browserLauncher(browser).prompt((text) -> {
		}).build();
	}

	private static CraftedCallbackBrowser approving() {
		return new CraftedCallbackBrowser((request) -> List.of("code=c1&state=" + request.get("state")));
	}

	private List<LoggedRequest> tokenRequests() {
		return server.findAll(postRequestedFor(urlEqualTo("/token")));
	}

	private Jwt verifiedProof(LoggedRequest request) {
		String proof = request.getHeader("DPoP");
		assertThat(proof).isNotNull();
		return new DPoPProofJwtDecoderFactory()
			.createDecoder(
					DPoPProofContext.withDPoPProof(proof).method("POST").targetUri(tokenEndpoint().toString()).build())
			.decode(proof);
	}

	private static String thumbprint(Jwt proof) throws Exception {
		@SuppressWarnings("unchecked")
		Map<String, Object> jwk = (Map<String, Object>) proof.getHeaders().get("jwk");
		return JWK.parse(jwk).computeThumbprint().toString();
	}

	@Test
	void loginBindsTheCodeAndTheTokensToANewKeyWhenTheServerAdvertisesEs256() throws Exception {
		server.stubFor(post("/token").willReturn(okJson(DPOP_TOKEN)));
		CraftedCallbackBrowser browser = approving();
		Credentials credentials = client(config(DpopMode.AUTO, List.of("RS256", "ES256")).build(), browser).login();
		assertThat(credentials.isDpopBound()).isTrue();
		assertThat(credentials.tokenType()).isEqualTo("DPoP");
		DpopKey key = credentials.dpopKey();
		assertThat(key).isNotNull();
		// RFC 9449 section 10: the authorization code is bound to the same key
		assertThat(browser.requests.get(0)).containsEntry("dpop_jkt", key.thumbprint());
		Jwt proof = verifiedProof(tokenRequests().get(0));
		assertThat(thumbprint(proof)).isEqualTo(key.thumbprint());
		assertThat(proof.getClaims()).doesNotContainKeys("ath", "nonce");
	}

	@Test
	void everyLoginHasItsOwnKey() {
		server.stubFor(post("/token").willReturn(okJson(DPOP_TOKEN)));
		ClientConfig config = config(DpopMode.AUTO, List.of("ES256")).build();
		DpopKey first = client(config, approving()).login().dpopKey();
		DpopKey second = client(config, approving()).login().dpopKey();
		assertThat(first).isNotNull();
		assertThat(second).isNotNull();
		assertThat(first.thumbprint()).isNotEqualTo(second.thumbprint());
	}

	@Test
	void autoSendsNoProofWhenTheServerDoesNotAdvertiseDpop() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		CraftedCallbackBrowser browser = approving();
		Credentials credentials = client(config(DpopMode.AUTO, List.of()).build(), browser).login();
		assertThat(credentials.dpopKey()).isNull();
		assertThat(credentials.isDpopBound()).isFalse();
		assertThat(browser.requests.get(0)).doesNotContainKey("dpop_jkt");
		assertThat(tokenRequests().get(0).containsHeader("DPoP")).isFalse();
	}

	@Test
	void autoSendsNoProofWhenTheServerAcceptsOnlyAlgorithmsWeDoNotSignWith() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		Credentials credentials = client(config(DpopMode.AUTO, List.of("PS256")).build(), approving()).login();
		assertThat(credentials.dpopKey()).isNull();
		assertThat(tokenRequests().get(0).containsHeader("DPoP")).isFalse();
	}

	@Test
	void neverSendsNoProofEvenWhenTheServerAdvertisesDpop() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		CraftedCallbackBrowser browser = approving();
		Credentials credentials = client(config(DpopMode.NEVER, List.of("ES256")).build(), browser).login();
		assertThat(credentials.dpopKey()).isNull();
		assertThat(browser.requests.get(0)).doesNotContainKey("dpop_jkt");
		assertThat(tokenRequests().get(0).containsHeader("DPoP")).isFalse();
	}

	@Test
	void alwaysFailsBeforeTheBrowserOpensWhenTheServerDoesNotAdvertiseDpop() {
		CraftedCallbackBrowser browser = approving();
		AuthorizationClient client = client(config(DpopMode.ALWAYS, List.of()).build(), browser);
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.DPOP_UNSUPPORTED))
			.withMessage("DPoP is required (dpop=always), but " + server.baseUrl()
					+ " does not advertise DPoP (its metadata has no dpop_signing_alg_values_supported). Enable DPoP "
					+ "for this client on the server, or set dpop to auto to accept bearer tokens. Nothing was sent "
					+ "to the server.");
		assertThat(browser.requests).isEmpty();
		assertThat(tokenRequests()).isEmpty();
	}

	@Test
	void alwaysNamesTheAlgorithmsWhenTheServerAcceptsOthers() {
		AuthorizationClient client = client(config(DpopMode.ALWAYS, List.of("PS256", "RS256")).build(), approving());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.withMessageContaining(
					"accepts DPoP proofs signed with PS256, RS256 only, and this client signs them " + "with ES256");
	}

	@Test
	void bearerTokenAnsweredToAProofIsAcceptedAsABearerTokenWithAuto() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		Credentials credentials = client(config(DpopMode.AUTO, List.of("ES256")).build(), approving()).login();
		assertThat(tokenRequests().get(0).containsHeader("DPoP")).isTrue();
		assertThat(credentials.tokenType()).isEqualTo("Bearer");
		assertThat(credentials.isDpopBound()).isFalse();
		// a public client's refresh token may still be bound to the key (section 5)
		assertThat(credentials.dpopKey()).isNotNull();
	}

	@Test
	void bearerTokenAnsweredToAProofIsRefusedWithAlways() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		AuthorizationClient client = client(config(DpopMode.ALWAYS, List.of("ES256")).build(), approving());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.DPOP_UNSUPPORTED))
			.withMessageContaining("answered the DPoP proof with a Bearer token, not one bound to the key, and DPoP "
					+ "is required (dpop=always). The tokens were not stored.");
	}

	@Test
	void tokenEndpointAskingForANonceGetsOneRetryCarryingIt() {
		server.stubFor(post("/token").inScenario("nonce")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withHeader("DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
				.withBody("{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires "
						+ "nonce in DPoP proof\"}"))
			.willSetStateTo("nonce sent"));
		server.stubFor(post("/token").inScenario("nonce")
			.whenScenarioStateIs("nonce sent")
			.willReturn(okJson(DPOP_TOKEN).withHeader("DPoP-Nonce", "second-nonce")));
		AuthorizationClient client = client(config(DpopMode.AUTO, List.of("ES256")).build(), approving());
		Credentials credentials = client.login();
		assertThat(credentials.isDpopBound()).isTrue();
		List<LoggedRequest> requests = tokenRequests();
		assertThat(requests).hasSize(2);
		Jwt first = verifiedProof(requests.get(0));
		Jwt second = verifiedProof(requests.get(1));
		assertThat(first.getClaims()).doesNotContainKey("nonce");
		assertThat(second.getClaimAsString("nonce")).isEqualTo("eyJ7S_zG.eyJH0-Z.HX4w-7v");
		assertThat(second.getId()).isNotEqualTo(first.getId());
		// the nonce of the successful response is the one used next (section 8.2)
		Credentials refreshed = client.refresh(credentials);
		assertThat(tokenRequests()).hasSize(3);
		assertThat(verifiedProof(tokenRequests().get(2)).getClaimAsString("nonce")).isEqualTo("second-nonce");
		assertThat(refreshed.dpopKey()).isEqualTo(credentials.dpopKey());
	}

	@Test
	void aServerThatKeepsAskingForANonceGetsOneRetryAndAnError() {
		server.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withHeader("DPoP-Nonce", "n")
			.withBody("{\"error\":\"use_dpop_nonce\"}")));
		AuthorizationClient client = client(config(DpopMode.AUTO, List.of("ES256")).build(), approving());
		assertThatExceptionOfType(PkceException.class).isThrownBy(client::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("use_dpop_nonce"));
		assertThat(tokenRequests()).hasSize(2);
	}

	@Test
	void refreshCarriesAProofWithTheKeyOfTheCredentials() throws Exception {
		server.stubFor(post("/token").willReturn(okJson(DPOP_TOKEN)));
		DpopKey key = DpopKey.generate();
		Credentials expired = new Credentials("at1", "DPoP", Instant.now().minusSeconds(10), "rt1", null, Set.of("api"),
				key);
		// the key of stored credentials is used whatever the mode of new logins
		Credentials refreshed = client(config(DpopMode.NEVER, List.of()).build(), approving()).refresh(expired);
		Jwt proof = verifiedProof(tokenRequests().get(0));
		assertThat(thumbprint(proof)).isEqualTo(key.thumbprint());
		assertThat(refreshed.dpopKey()).isSameAs(key);
		assertThat(refreshed.isDpopBound()).isTrue();
		assertThat(refreshed.refreshToken()).isEqualTo("rt2");
	}

	@Test
	void refreshOfBearerCredentialsCarriesNoProof() {
		server.stubFor(post("/token").willReturn(okJson(BEARER_TOKEN)));
		Credentials expired = new Credentials("at1", "Bearer", Instant.now().minusSeconds(10), "rt1", null,
				Set.of("api"));
		client(config(DpopMode.ALWAYS, List.of("ES256")).build(), approving()).refresh(expired);
		assertThat(tokenRequests().get(0).containsHeader("DPoP")).isFalse();
	}

	@Test
	void dpopCredentialsWithoutTheirKeyAskForANewLoginWithoutUsingTheRefreshToken() {
		Credentials keyless = new Credentials("at1", "DPoP", Instant.now().minusSeconds(10), "rt1", null,
				Set.of("api"));
		AuthorizationClient client = client(config(DpopMode.AUTO, List.of("ES256")).build(), approving());
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(() -> client.refresh(keyless))
			.withMessage("The stored tokens are bound to a DPoP key that was not stored with them, so they cannot be "
					+ "refreshed. Sign in again.");
		assertThat(tokenRequests()).isEmpty();
	}

	@Test
	void revocationOfBoundTokensCarriesAProofForTheRevocationEndpoint() {
		server.stubFor(post("/revoke").willReturn(aResponse().withStatus(200)));
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), tokenEndpoint())
			.revocationEndpoint(URI.create(server.baseUrl() + "/revoke"))
			.build();
		AuthorizationClient client = client(ClientConfig.withClientId("cli").providerMetadata(metadata).build(),
				approving());
		DpopKey key = DpopKey.generate();
		assertThat(client.revoke(new Credentials("at1", "DPoP", null, "rt1", null, Set.of(), key)).revoked()).isTrue();
		LoggedRequest revocation = server.findAll(postRequestedFor(urlEqualTo("/revoke"))).get(0);
		String proof = revocation.getHeader("DPoP");
		Jwt jwt = new DPoPProofJwtDecoderFactory().createDecoder(
				DPoPProofContext.withDPoPProof(proof).method("POST").targetUri(server.baseUrl() + "/revoke").build())
			.decode(proof);
		assertThat(jwt.getClaims()).doesNotContainKey("ath");
		assertThat(revocation.getBodyAsString()).contains("token=rt1");
	}

	@Test
	void refusedProofPointsAtTheClock() {
		server.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"iat is too far in the past\"}")));
		Credentials expired = new Credentials("at1", "DPoP", Instant.now().minusSeconds(10), "rt1", null, Set.of("api"),
				DpopKey.generate());
		AuthorizationClient client = client(config(DpopMode.AUTO, List.of("ES256")).build(), approving());
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> client.refresh(expired))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_dpop_proof"))
			.withMessage("The token endpoint refused the refresh: invalid_dpop_proof (iat is too far in the past). "
					+ "Check that this computer's clock is right: the server refuses a DPoP proof whose time is far "
					+ "from its own. Sign in again.");
		assertThat(tokenRequests()).hasSize(1);
	}

	@Test
	void userinfoAskingForANonceGetsOneRetryWithABoundToken() {
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/userinfo")
			.inScenario("userinfo")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
				.withHeader("DPoP-Nonce", "u1"))
			.willSetStateTo("nonce sent"));
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/userinfo")
			.inScenario("userinfo")
			.whenScenarioStateIs("nonce sent")
			.willReturn(okJson("{\"sub\":\"alice\"}")));
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), tokenEndpoint())
			.userInfoEndpoint(URI.create(server.baseUrl() + "/userinfo"))
			.build();
		AuthorizationClient client = client(ClientConfig.withClientId("cli").providerMetadata(metadata).build(),
				approving());
		Credentials credentials = new Credentials("at1", "DPoP", null, null, null, Set.of(), DpopKey.generate());
		assertThat(client.userInfo(credentials)).containsEntry("sub", "alice");
		List<LoggedRequest> requests = server
			.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/userinfo")));
		assertThat(requests).hasSize(2)
			.allSatisfy((request) -> assertThat(request.getHeader("Authorization")).isEqualTo("DPoP at1"));
		String proof = requests.get(1).getHeader("DPoP");
		Jwt jwt = new DPoPProofJwtDecoderFactory().createDecoder(
				DPoPProofContext.withDPoPProof(proof).method("GET").targetUri(server.baseUrl() + "/userinfo").build())
			.decode(proof);
		assertThat(jwt.getClaimAsString("nonce")).isEqualTo("u1");
	}

	@Test
	void credentialsNeverShowTheKey() {
		DpopKey key = DpopKey.generate();
		Credentials credentials = new Credentials("at1", "DPoP", null, "rt1", null, Set.of(), key);
		assertThat(credentials.toString()).contains("dpopKey=[PROTECTED]")
			.doesNotContain(key.thumbprint())
			.doesNotContain("\"d\"");
		assertThat(credentials.withoutRefreshToken().dpopKey()).isSameAs(key);
	}

}
