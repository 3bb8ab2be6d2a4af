package io.github.pkce.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The key: its thumbprint (RFC 7638), its JWK form, and what {@link DpopKey#fromJwk}
 * refuses.
 */
class DpopKeyTests {

	/** RFC 7517 appendix A.2: a private P-256 key, with members a DPoP key ignores. */
	private static final String RFC_7517_KEY = """
			{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
			"y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
			"d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE","use":"enc","kid":"1"}""";

	@Test
	void thumbprintHelperGivesTheValueOfRfc9449() throws Exception {
		// RFC 9449 section 6.1: the key of its examples and its jkt
		assertThat(thumbprint("l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
				"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"))
			.isEqualTo("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
	}

	@Test
	void thumbprintOfAKnownKey() {
		DpopKey key = DpopKey.fromJwk(RFC_7517_KEY);
		// SHA-256 over {"crv":"P-256","kty":"EC","x":...,"y":...}, computed with Python's
		// hashlib
		assertThat(key.thumbprint()).isEqualTo("cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s");
	}

	@Test
	void thumbprintMatchesNimbusAndTheCanonicalJson() throws Exception {
		DpopKey key = DpopKey.generate();
		ECKey jwk = ECKey.parse(key.toJwk());
		assertThat(key.thumbprint()).isEqualTo(jwk.computeThumbprint().toString())
			.isEqualTo(thumbprint(jwk.getX().toString(), jwk.getY().toString()))
			.hasSize(43);
	}

	@Test
	void generatedKeysDiffer() {
		assertThat(DpopKey.generate()).isNotEqualTo(DpopKey.generate());
	}

	@Test
	void algorithmIsEs256() {
		assertThat(DpopKey.generate().algorithm()).isEqualTo("ES256");
	}

	@Test
	void toJwkHoldsThePrivateKeyAndNothingElse() throws Exception {
		ECKey jwk = ECKey.parse(DpopKey.fromJwk(RFC_7517_KEY).toJwk());
		assertThat(jwk.isPrivate()).isTrue();
		assertThat(jwk.getCurve()).isEqualTo(Curve.P_256);
		assertThat(jwk.toJSONObject()).containsOnlyKeys("kty", "crv", "x", "y", "d")
			.containsEntry("d", "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE");
	}

	@Test
	void jwkRoundTripGivesTheSameKey() throws Exception {
		DpopKey key = DpopKey.generate();
		DpopKey read = DpopKey.fromJwk(key.toJwk());
		assertThat(read).isEqualTo(key).hasSameHashCodeAs(key);
		assertThat(read.thumbprint()).isEqualTo(key.thumbprint());
		assertThat(read.toJwk()).isEqualTo(key.toJwk());
		String proof = new DpopProofs().create(read, "GET", URI.create("https://api.example.com/r"), "token", null);
		JWSObject jws = JWSObject.parse(proof);
		assertThat(jws.verify(new ECDSAVerifier(ECKey.parse(key.toJwk()).toPublicJWK()))).isTrue();
	}

	@Test
	void toStringShowsTheThumbprintOnly() throws Exception {
		DpopKey key = DpopKey.generate();
		ECKey jwk = ECKey.parse(key.toJwk());
		assertThat(key.toString()).contains(key.thumbprint())
			.doesNotContain(jwk.getD().toString())
			.doesNotContain(jwk.getX().toString())
			.doesNotContain(jwk.getY().toString());
	}

	@Test
	void fromJwkRefusesGarbage() {
		assertRefused("{\"kty\":\"EC\",\"d\":\"secret-garbage-1234\"", "not a valid JWK");
		assertRefused("secret-garbage-1234", "not a valid JWK");
		assertRefused("", "not a valid JWK");
		assertRefused("{}", "not a valid JWK");
	}

	@Test
	void fromJwkRefusesAPublicKey() throws Exception {
		String publicJwk = ECKey.parse(DpopKey.generate().toJwk()).toPublicJWK().toJSONString();
		assertRefused(publicJwk, "public key only");
	}

	@Test
	void fromJwkRefusesAnRsaKey() throws Exception {
		assertRefused(new RSAKeyGenerator(2048).generate().toJSONString(), "not an EC key");
	}

	@Test
	void fromJwkRefusesAP384Key() throws Exception {
		assertRefused(new ECKeyGenerator(Curve.P_384).generate().toJSONString(), "not on curve P-256");
	}

	@Test
	void fromJwkRefusesAPointOffTheCurve() throws Exception {
		ECKey jwk = ECKey.parse(DpopKey.generate().toJwk());
		String offCurve = jwk.toJSONString().replace(jwk.getY().toString(), jwk.getX().toString());
		assertRefused(offCurve, "not a valid JWK");
	}

	@Test
	void fromJwkRefusesAPrivatePartOfAnotherKey() throws Exception {
		ECKey one = ECKey.parse(DpopKey.generate().toJwk());
		ECKey other = ECKey.parse(DpopKey.generate().toJwk());
		String mixed = new ECKey.Builder(one.toPublicJWK()).d(other.getD()).build().toJSONString();
		assertRefused(mixed, "private and public parts do not match");
	}

	private static void assertRefused(String jwk, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> DpopKey.fromJwk(jwk))
			.withMessage("Not a private EC P-256 JWK: " + reason)
			.withNoCause();
	}

	/** RFC 7638 section 3 for an EC key, written out independently of nimbus. */
	static String thumbprint(String x, String y) throws Exception {
		String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

}
