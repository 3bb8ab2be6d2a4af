package io.github.pkce.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Proofs checked by Spring Security's resource-server-side verifier
 * ({@link DPoPProofJwtDecoderFactory}) and by a plain nimbus verifier.
 */
class DpopProofsTests {

	private static final URI API = URI.create("https://api.example.com/v1/items");

	private static final String ACCESS_TOKEN = "Kz~8qT-5hQ.fV3pL_0aZ9xR2wN7mB4cJ6yE1uI8oP3";

	private final DpopKey key = DpopKey.generate();

	private final DpopProofs proofs = new DpopProofs();

	@Test
	void resourceRequestProofPassesSpringSecurity() {
		String proof = this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null);
		Jwt jwt = springDecode(proof, "GET", "https://api.example.com/v1/items", ACCESS_TOKEN);
		assertThat(jwt.getClaimAsString("ath")).isEqualTo(sha256(ACCESS_TOKEN));
		assertThat(jwt.getHeaders()).containsEntry("typ", "dpop+jwt").containsEntry("alg", "ES256");
	}

	@Test
	void tokenRequestProofPassesSpringSecurity() {
		URI token = URI.create("https://as.example.com/oauth2/token");
		String proof = this.proofs.create(this.key, "POST", token, null);
		Jwt jwt = springDecode(proof, "POST", "https://as.example.com/oauth2/token", null);
		assertThat(jwt.hasClaim("ath")).isFalse();
	}

	@Test
	void springSecurityRejectsAProofForAnotherMethod() {
		String proof = this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null);
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> springDecode(proof, "POST", "https://api.example.com/v1/items", ACCESS_TOKEN))
			.withMessageContaining("htm");
	}

	@Test
	void springSecurityRejectsAProofForAnotherUri() {
		String proof = this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null);
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> springDecode(proof, "GET", "https://api.example.com/v1/other", ACCESS_TOKEN))
			.withMessageContaining("htu");
	}

	@Test
	void springSecurityRejectsAProofForAnotherAccessToken() {
		String proof = this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null);
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> springDecode(proof, "GET", "https://api.example.com/v1/items", "another-token"))
			.withMessageContaining("ath");
	}

	@Test
	void springSecurityRejectsAProofWithoutAthOnAResourceRequest() {
		String proof = this.proofs.create(this.key, "GET", API, null);
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> springDecode(proof, "GET", "https://api.example.com/v1/items", ACCESS_TOKEN))
			.withMessageContaining("ath");
	}

	@Test
	void proofVerifiesWithThePublicKeyOfItsHeaderWhichHasNoPrivatePart() throws Exception {
		SignedJWT jwt = SignedJWT.parse(this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, "n-1"));
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
		assertThat(jwt.getHeader().getType().toString()).isEqualTo("dpop+jwt");
		ECKey jwk = (ECKey) jwt.getHeader().getJWK();
		assertThat(jwk.isPrivate()).isFalse();
		assertThat(jwt.getHeader().toJSONObject().get("jwk")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("kty", "crv", "x", "y");
		String headerJson = new String(Base64.getUrlDecoder().decode(jwt.getParsedParts()[0].toString()),
				StandardCharsets.UTF_8);
		assertThat(headerJson).doesNotContain("\"d\"");
		assertThat(jwt.verify(new ECDSAVerifier(jwk))).isTrue();
		assertThat(jwk.computeThumbprint().toString()).isEqualTo(this.key.thumbprint());
	}

	@Test
	void proofHasTheClaimsOfRfc9449() throws Exception {
		Map<String, Object> claims = claims(this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, "n-1"));
		assertThat(claims).containsOnlyKeys("jti", "htm", "htu", "iat", "nonce", "ath")
			.containsEntry("htm", "GET")
			.containsEntry("htu", "https://api.example.com/v1/items")
			.containsEntry("nonce", "n-1")
			.containsEntry("ath", sha256(ACCESS_TOKEN));
	}

	@Test
	void htuLeavesOutQueryAndFragment() throws Exception {
		URI uri = URI.create("https://api.example.com/v1/items?secret=abc&page=2#frag");
		String proof = this.proofs.create(this.key, "GET", uri, ACCESS_TOKEN, null);
		assertThat(claims(proof)).containsEntry("htu", "https://api.example.com/v1/items");
		assertThat(payload(proof)).doesNotContain("secret").doesNotContain("frag");
	}

	@Test
	void htuNormalisesSchemeHostDefaultPortAndEmptyPath() throws Exception {
		assertThat(htu("HTTPS://API.Example.COM")).isEqualTo("https://api.example.com/");
		assertThat(htu("https://api.example.com:443?q")).isEqualTo("https://api.example.com/");
		assertThat(htu("http://api.example.com:80/a/B")).isEqualTo("http://api.example.com/a/B");
		assertThat(htu("https://api.example.com:8443/a%2Fb")).isEqualTo("https://api.example.com:8443/a%2Fb");
		assertThat(htu("http://user:password@127.0.0.1:8080/x")).isEqualTo("http://127.0.0.1:8080/x");
		assertThat(htu("http://[::1]:8080/x")).isEqualTo("http://[::1]:8080/x");
		assertThat(htu("https://api.example.com/caf\u00e9")).isEqualTo("https://api.example.com/caf%C3%A9");
	}

	@Test
	void uriMustBeAnAbsoluteHttpUri() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.proofs.create(this.key, "GET", URI.create("/relative"), null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.proofs.create(this.key, "GET", URI.create("mailto:a@example.com"), null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.proofs.create(this.key, "GET", URI.create("ftp://example.com/"), null));
	}

	@Test
	void methodIsKeptAsGivenAndMustBeAToken() throws Exception {
		assertThat(claims(this.proofs.create(this.key, "PATCH", API, null))).containsEntry("htm", "PATCH");
		assertThatIllegalArgumentException().isThrownBy(() -> this.proofs.create(this.key, "G\"ET", API, null));
		assertThatIllegalArgumentException().isThrownBy(() -> this.proofs.create(this.key, "", API, null));
	}

	@Test
	void jtiDiffersAcrossProofs() throws Exception {
		Set<String> jtis = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String jti = (String) claims(this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null)).get("jti");
			// 16 random bytes: 128 bits, at least the 96 RFC 9449 section 11.1 asks for
			assertThat(Base64.getUrlDecoder().decode(jti)).hasSize(16);
			jtis.add(jti);
		}
		assertThat(jtis).hasSize(1000);
	}

	@Test
	void iatComesFromTheClock() throws Exception {
		Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05.999Z"), ZoneOffset.UTC);
		String proof = new DpopProofs(clock).create(this.key, "GET", API, null);
		assertThat(SignedJWT.parse(proof).getJWTClaimsSet().getIssueTime())
			.isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
		assertThat(claims(proof).get("iat")).isEqualTo(1893553445L);
	}

	@Test
	void nonceOnlyWhenGiven() throws Exception {
		assertThat(claims(this.proofs.create(this.key, "POST", API, null))).doesNotContainKey("nonce");
		assertThat(claims(this.proofs.create(this.key, "POST", API, ACCESS_TOKEN, null))).doesNotContainKey("nonce");
		assertThat(claims(this.proofs.create(this.key, "POST", API, "eyJ7S_zG.eyJH0-Z.HX4w-7v"))).containsEntry("nonce",
				"eyJ7S_zG.eyJH0-Z.HX4w-7v");
	}

	@Test
	void invalidNonceIsRefusedWithoutQuotingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.proofs.create(this.key, "POST", API, "a\"b secret"))
			.withMessageNotContaining("secret");
		assertThatIllegalArgumentException().isThrownBy(() -> this.proofs.create(this.key, "POST", API, ""));
	}

	@Test
	void emptyAccessTokenIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.proofs.create(this.key, "GET", API, "", null));
	}

	@Test
	void proofsMadeOnEightThreadsAllVerify() throws Exception {
		int threads = 8;
		int perThread = 50;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Callable<List<String>> task = () -> {
					start.await();
					List<String> made = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						made.add(this.proofs.create(this.key, "GET", API, ACCESS_TOKEN, null));
					}
					return made;
				};
				results.add(executor.submit(task));
			}
			start.countDown();
			Set<String> jtis = new HashSet<>();
			ECDSAVerifier verifier = new ECDSAVerifier(ECKey.parse(this.key.toJwk()).toPublicJWK());
			for (Future<List<String>> result : results) {
				for (String proof : result.get(1, TimeUnit.MINUTES)) {
					assertThat(JWSObject.parse(proof).verify(verifier)).isTrue();
					springDecode(proof, "GET", "https://api.example.com/v1/items", ACCESS_TOKEN);
					jtis.add((String) claims(proof).get("jti"));
				}
			}
			assertThat(jtis).hasSize(threads * perThread);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private String htu(String uri) throws Exception {
		return (String) claims(this.proofs.create(this.key, "GET", URI.create(uri), null)).get("htu");
	}

	/**
	 * Decodes a proof as a Spring Security resource server does. The default validators
	 * check {@code typ}, the signature with the header's public key, {@code htm},
	 * {@code htu}, {@code jti} (single use) and {@code iat}; {@code ath} is checked by
	 * {@code DPoPAuthenticationProvider} of spring-security-oauth2-resource-server, which
	 * is not on this class path, so {@link AthValidator} does what its
	 * {@code AthClaimValidator} does.
	 */
	private static Jwt springDecode(String proof, String method, String targetUri, @Nullable String accessToken) {
		DPoPProofContext.Builder context = DPoPProofContext.withDPoPProof(proof).method(method).targetUri(targetUri);
		if (accessToken != null) {
			context.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.DPOP, accessToken, Instant.now(),
					Instant.now().plusSeconds(300)));
		}
		DPoPProofJwtDecoderFactory factory = new DPoPProofJwtDecoderFactory();
		factory.setJwtValidatorFactory((proofContext) -> {
			OAuth2TokenValidator<Jwt> defaults = DPoPProofJwtDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY
				.apply(proofContext);
			OAuth2AccessToken token = proofContext.getAccessToken();
			return (token != null) ? new DelegatingOAuth2TokenValidator<>(defaults, new AthValidator(token)) : defaults;
		});
		return factory.createDecoder(context.build()).decode(proof);
	}

	private static Map<String, Object> claims(String proof) throws Exception {
		return SignedJWT.parse(proof).getJWTClaimsSet().toJSONObject();
	}

	private static String payload(String proof) throws Exception {
		return JWSObject.parse(proof).getPayload().toString();
	}

	private static String sha256(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record AthValidator(OAuth2AccessToken accessToken) implements OAuth2TokenValidator<Jwt> {

		@Override
		public OAuth2TokenValidatorResult validate(Jwt jwt) {
			String ath = jwt.getClaimAsString("ath");
			if (ath == null || !ath.equals(sha256(this.accessToken.getTokenValue()))) {
				return OAuth2TokenValidatorResult
					.failure(new OAuth2Error("invalid_dpop_proof", "ath claim is invalid.", null));
			}
			return OAuth2TokenValidatorResult.success();
		}

	}

}
