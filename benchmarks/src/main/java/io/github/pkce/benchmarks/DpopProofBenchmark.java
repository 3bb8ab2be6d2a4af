package io.github.pkce.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.dpop.DpopProofs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one DPoP proof (RFC 9449 section 4.2) from {@link DpopProofs}: for a
 * protected-resource request (with {@code ath}) and for a token request (without).
 * Reference benchmarks show where the time goes: the same proof built the textbook way
 * with nimbus ({@code JWTClaimsSet} and {@code SignedJWT} per proof), the ES256 signature
 * alone over an input of a proof's size, and the {@code jti} alone.
 *
 * @author pkce-spring-boot
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DpopProofBenchmark {

	private static final URI TOKEN_ENDPOINT = URI.create("https://as.example.com/oauth2/token");

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final DpopProofs proofs = new DpopProofs();

	private final SecureRandom random = new SecureRandom();

	private DpopKey key;

	private String accessToken;

	private JWSHeader nimbusHeader;

	private ECDSASigner nimbusSigner;

	private byte[] signingInput;

	/**
	 * Generates the key, and checks that every benchmark makes a proof that verifies.
	 * @throws Exception never
	 */
	@Setup
	public void setUp() throws Exception {
		this.key = DpopKey.generate();
		// read from a field, so that nothing is folded into a constant
		this.accessToken = new String(Fixtures.VALID_ACCESS_TOKEN.toCharArray());
		ECKey jwk = ECKey.parse(this.key.toJwk());
		this.nimbusHeader = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
			.jwk(jwk.toPublicJWK())
			.build();
		this.nimbusSigner = new ECDSASigner(jwk);
		String proof = resourceRequest();
		this.signingInput = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
		check(proof, jwk);
		check(tokenRequest(), jwk);
		check(nimbusSignedJwt(), jwk);
	}

	private static void check(String proof, ECKey jwk) throws ParseException, JOSEException {
		if (!SignedJWT.parse(proof).verify(new ECDSAVerifier(jwk.toPublicJWK()))) {
			throw new IllegalStateException("A proof does not verify");
		}
	}

	/**
	 * {@link DpopProofs} for a protected-resource request: {@code ath} over the access
	 * token.
	 * @return the proof
	 */
	@Benchmark
	public String resourceRequest() {
		return this.proofs.create(this.key, "GET", Fixtures.API_REQUEST, this.accessToken, null);
	}

	/**
	 * {@link DpopProofs} for a token request: no {@code ath}.
	 * @return the proof
	 */
	@Benchmark
	public String tokenRequest() {
		return this.proofs.create(this.key, "POST", TOKEN_ENDPOINT, null);
	}

	/**
	 * Reference: the resource-request proof as {@code DpopProofs} builds it, but with a
	 * header built in code, which nimbus serialises again for every proof.
	 * @return the proof
	 * @throws JOSEException never
	 */
	@Benchmark
	public String nimbusSignedJwt() throws JOSEException {
		byte[] jti = new byte[16];
		this.random.nextBytes(jti);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(BASE64URL.encodeToString(jti))
			.claim("htm", "GET")
			.claim("htu", "https://api.example.com/v1/projects")
			.issueTime(Date.from(Instant.ofEpochSecond(System.currentTimeMillis() / 1000)))
			.claim("ath", sha256(this.accessToken))
			.build();
		SignedJWT jwt = new SignedJWT(this.nimbusHeader, claims);
		jwt.sign(this.nimbusSigner);
		return jwt.serialize();
	}

	/**
	 * Reference: the ES256 signature alone, over the signing input of a resource-request
	 * proof: the floor under any implementation.
	 * @return the signature
	 * @throws JOSEException never
	 */
	@Benchmark
	public Base64URL es256Signature() throws JOSEException {
		return this.nimbusSigner.sign(this.nimbusHeader, this.signingInput);
	}

	/**
	 * Reference: a {@code jti} alone, 16 bytes from {@code SecureRandom} in base64url.
	 * @return the jti
	 */
	@Benchmark
	public String jti() {
		byte[] jti = new byte[16];
		this.random.nextBytes(jti);
		return BASE64URL.encodeToString(jti);
	}

	private static String sha256(String text) {
		try {
			return BASE64URL
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
