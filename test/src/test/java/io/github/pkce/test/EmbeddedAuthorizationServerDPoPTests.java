package io.github.pkce.test;

import java.util.List;
import java.util.Map;

import io.github.pkce.test.OAuthTestClient.AuthorizationRequest;
import io.github.pkce.test.OAuthTestClient.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * DPoP (RFC 9449) on {@link EmbeddedAuthorizationServer}: tokens bound to the key of the
 * token request's proof, a protected resource that wants a proof from that key, and a
 * server that ignores proofs when DPoP is off. The proofs are made by hand
 * ({@link DPoPKey}).
 *
 * @author pkce-spring-boot
 */
class EmbeddedAuthorizationServerDPoPTests {

	private static final String SCOPE = "openid profile offline_access api";

	private static EmbeddedAuthorizationServer server;

	private static OAuthTestClient client;

	private final ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");

	@BeforeAll
	static void startServer() {
		TestLogging.routeJavaUtilLogging();
		server = EmbeddedAuthorizationServer.builder().start();
		client = new OAuthTestClient(server);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void discoveryDocumentsListTheDPoPSigningAlgorithms() {
		for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
			assertThat(client.getJson(path).get("dpop_signing_alg_values_supported")).asInstanceOf(LIST)
				.contains("ES256", "RS256");
		}
	}

	@Test
	void codeExchangeWithAProofIssuesATokenBoundToTheProofsKey() throws Exception {
		DPoPKey key = DPoPKey.generate();
		Response tokens = login(key);
		assertThat(tokens.status()).isEqualTo(200);
		assertThat(tokens.body()).containsEntry("token_type", "DPoP").containsKeys("refresh_token", "id_token");
		assertThat(OAuthTestClient.claims(tokens.string("access_token"))).extractingByKey("cnf", MAP)
			.containsExactly(Map.entry("jkt", key.thumbprint()));
		assertThat(server.lastTokenRequestHadDpopProof()).isTrue();
	}

	@Test
	void codeExchangeWithoutAProofIssuesABearerTokenThatRefreshesWithoutAProof() throws Exception {
		Response tokens = login(null);
		assertThat(tokens.body()).containsEntry("token_type", "Bearer");
		assertThat(OAuthTestClient.claims(tokens.string("access_token"))).doesNotContainKey("cnf");
		assertThat(server.lastTokenRequestHadDpopProof()).isFalse();
		Response refreshed = client.refresh(tokens.string("refresh_token"));
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.body()).containsEntry("token_type", "Bearer");
	}

	@Test
	void resourceAcceptsABoundTokenOnlyWithAProofFromTheBoundKey() throws Exception {
		DPoPKey key = DPoPKey.generate();
		String accessToken = login(key).string("access_token");
		Response proved = client.getWithHeaders(server.resourceUri(), Map.of("Authorization", "DPoP " + accessToken,
				"DPoP", key.proof("GET", server.resourceUri(), accessToken)));
		assertThat(proved.status()).isEqualTo(200);
		assertThat(proved.body()).containsEntry("sub", "alice");
		Response asBearer = client.get(server.resourceUri(), accessToken);
		assertThat(asBearer.status()).isEqualTo(401);
		Response proofFromAnotherKey = client.getWithHeaders(server.resourceUri(), Map.of("Authorization",
				"DPoP " + accessToken, "DPoP", DPoPKey.generate().proof("GET", server.resourceUri(), accessToken)));
		assertThat(proofFromAnotherKey.status()).isEqualTo(401);
		assertThat(proofFromAnotherKey.wwwAuthenticate()).startsWith("DPoP").contains("invalid_dpop_proof");
		Response withoutProof = client.getWithHeaders(server.resourceUri(),
				Map.of("Authorization", "DPoP " + accessToken));
		assertThat(withoutProof.status()).isEqualTo(401);
		Response proofWithoutTokenHash = client.getWithHeaders(server.resourceUri(),
				Map.of("Authorization", "DPoP " + accessToken, "DPoP", key.proof("GET", server.resourceUri(), null)));
		assertThat(proofWithoutTokenHash.status()).isEqualTo(401);
	}

	@Test
	void refreshOfABoundTokenNeedsAProofFromTheBoundKey() throws Exception {
		DPoPKey key = DPoPKey.generate();
		Response tokens = login(key);
		Response fromAnotherKey = client.refresh(tokens.string("refresh_token"), DPoPKey.generate());
		assertThat(fromAnotherKey.status()).isEqualTo(400);
		assertThat(fromAnotherKey.error()).isEqualTo("invalid_dpop_proof");
		Response withoutProof = client.refresh(tokens.string("refresh_token"));
		assertThat(withoutProof.status()).isEqualTo(400);
		assertThat(withoutProof.error()).isEqualTo("invalid_dpop_proof");
		assertThat(server.lastTokenRequestHadDpopProof()).isFalse();
		Response refreshed = client.refresh(tokens.string("refresh_token"), key);
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.body()).containsEntry("token_type", "DPoP");
		assertThat(OAuthTestClient.claims(refreshed.string("access_token"))).extractingByKey("cnf", MAP)
			.containsExactly(Map.entry("jkt", key.thumbprint()));
	}

	@Test
	void serverWithoutDPoPHidesTheAlgorithmsAndIssuesBearerTokensDespiteAProof() throws Exception {
		try (EmbeddedAuthorizationServer withoutDPoP = EmbeddedAuthorizationServer.builder().dpop(false).start()) {
			OAuthTestClient plainClient = new OAuthTestClient(withoutDPoP);
			for (String path : List.of("/.well-known/openid-configuration",
					"/.well-known/oauth-authorization-server")) {
				assertThat(plainClient.getJson(path)).containsKey("token_endpoint")
					.doesNotContainKey("dpop_signing_alg_values_supported");
			}
			try (LoopbackCallback callback = LoopbackCallback.start()) {
				AuthorizationRequest request = plainClient.authorizationRequest(callback.redirectUri(), SCOPE);
				this.browser.open(request.uri());
				Response tokens = plainClient.exchange(callback.await().get("code"), request, DPoPKey.generate());
				assertThat(tokens.status()).isEqualTo(200);
				assertThat(tokens.body()).containsEntry("token_type", "Bearer");
				assertThat(OAuthTestClient.claims(tokens.string("access_token"))).doesNotContainKey("cnf");
				assertThat(withoutDPoP.lastTokenRequestHadDpopProof()).isTrue();
				assertThat(plainClient.get(withoutDPoP.resourceUri(), tokens.string("access_token")).status())
					.isEqualTo(200);
				Response refreshed = plainClient.refresh(tokens.string("refresh_token"), DPoPKey.generate());
				assertThat(refreshed.body()).containsEntry("token_type", "Bearer");
			}
		}
	}

	private Response login(@Nullable DPoPKey key) throws Exception {
		try (LoopbackCallback callback = LoopbackCallback.start()) {
			AuthorizationRequest request = client.authorizationRequest(callback.redirectUri(), SCOPE);
			this.browser.open(request.uri());
			String code = callback.await().get("code");
			return (key != null) ? client.exchange(code, request, key) : client.exchange(code, request);
		}
	}

}
