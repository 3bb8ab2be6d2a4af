package io.github.pkce.dpop;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * An EC P-256 key pair for DPoP proofs, signed with {@code ES256} (RFC 9449 section 4.2),
 * with its JWK SHA-256 thumbprint (RFC 7638), which is the value of the {@code dpop_jkt}
 * authorization request parameter (RFC 9449 section 10) and of the {@code cnf.jkt}
 * confirmation of a bound access token (RFC 9449 section 6.1).
 * <p>
 * Immutable and thread-safe. Two keys are equal when their thumbprints are, that is when
 * their public keys are. {@link #toString()} shows the thumbprint only, never the key.
 *
 * @author pkce-spring-boot
 * @see DpopProofs
 */
public final class DpopKey {

	private static final String ALGORITHM = "ES256";

	private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

	private static final String NOT_A_KEY = "Not a private EC P-256 JWK: ";

	private final ECKey jwk;

	private final String thumbprint;

	private final JWSHeader header;

	private final JWSSigner signer;

	private DpopKey(ECKey jwk) throws JOSEException {
		this.jwk = jwk;
		this.thumbprint = jwk.computeThumbprint().toString();
		// the header is the same on every proof made with this key: build and encode it
		// once (RFC 9449 section 4.2: the public key only, never "d"); a parsed header
		// keeps its encoding, so no proof encodes it again
		JWSHeader built = new JWSHeader.Builder(JWSAlgorithm.ES256).type(DPOP_JWT).jwk(jwk.toPublicJWK()).build();
		try {
			this.header = JWSHeader.parse(built.toBase64URL());
		}
		catch (java.text.ParseException ex) {
			throw new JOSEException("Cannot encode the DPoP proof header", ex);
		}
		this.signer = new ECDSASigner(jwk);
	}

	/**
	 * Generates a new random key pair.
	 * @return a new key
	 */
	public static DpopKey generate() {
		try {
			ECKey generated = new ECKeyGenerator(Curve.P_256).secureRandom(new SecureRandom()).generate();
			return new DpopKey(minimal(generated));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate an EC P-256 key pair", ex);
		}
	}

	/**
	 * Reads a key written by {@link #toJwk()}: a private EC JWK (RFC 7517, RFC 7518
	 * section 6.2) on curve {@code P-256}. Members other than {@code kty}, {@code crv},
	 * {@code x}, {@code y} and {@code d} are ignored.
	 * @param privateJwk the JWK as JSON
	 * @return the key
	 * @throws IllegalArgumentException when the text is not such a JWK, has no private
	 * part, or its private and public parts do not belong together; the message never
	 * quotes the text
	 */
	public static DpopKey fromJwk(String privateJwk) {
		Assert.notNull(privateJwk, "privateJwk cannot be null");
		JWK parsed;
		try {
			parsed = JWK.parse(privateJwk);
		}
		catch (ParseException | RuntimeException ex) {
			// no cause: a parser's message may quote the text, which holds the private
			// key
			throw new IllegalArgumentException(NOT_A_KEY + "not a valid JWK");
		}
		if (!(parsed instanceof ECKey ecKey)) {
			throw new IllegalArgumentException(NOT_A_KEY + "not an EC key");
		}
		if (!Curve.P_256.equals(ecKey.getCurve())) {
			throw new IllegalArgumentException(NOT_A_KEY + "not on curve P-256");
		}
		if (ecKey.getD() == null) {
			throw new IllegalArgumentException(NOT_A_KEY + "public key only");
		}
		DpopKey key;
		try {
			key = new DpopKey(minimal(ecKey));
		}
		catch (JOSEException | RuntimeException ex) {
			throw new IllegalArgumentException(NOT_A_KEY + "unusable key");
		}
		if (!key.signaturesVerify()) {
			throw new IllegalArgumentException(NOT_A_KEY + "private and public parts do not match");
		}
		return key;
	}

	/**
	 * The key without optional members ({@code kid}, {@code use}, {@code alg}...), so
	 * that what is stored and what goes into a proof's header is all that is needed.
	 */
	private static ECKey minimal(ECKey key) {
		return new ECKey.Builder(Curve.P_256, key.getX(), key.getY()).d(key.getD()).build();
	}

	/**
	 * Whether a signature made with the private part verifies with the public part: a JWK
	 * whose {@code d} belongs to another key would otherwise only fail at the server.
	 */
	private boolean signaturesVerify() {
		try {
			byte[] probe = "dpop-key-check".getBytes(StandardCharsets.US_ASCII);
			Base64URL signature = this.signer.sign(this.header, probe);
			return new ECDSAVerifier(this.jwk.toPublicJWK()).verify(this.header, probe, signature);
		}
		catch (JOSEException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Returns the key pair as a private JWK ({@code kty}, {@code crv}, {@code x},
	 * {@code y}, {@code d}), for a credential store. The result holds the private key:
	 * keep it as secret as a refresh token.
	 * @return the JWK as JSON
	 */
	public String toJwk() {
		return this.jwk.toJSONString();
	}

	/**
	 * Returns the JWK SHA-256 thumbprint of the public key (RFC 7638), unpadded
	 * base64url: the value of {@code dpop_jkt} (RFC 9449 section 10) and of
	 * {@code cnf.jkt} (RFC 9449 section 6.1).
	 * @return 43 characters
	 */
	public String thumbprint() {
		return this.thumbprint;
	}

	/**
	 * Returns the JWS algorithm of the proofs made with this key.
	 * @return {@code ES256}
	 */
	public String algorithm() {
		return ALGORITHM;
	}

	/**
	 * The JOSE header of every proof made with this key.
	 */
	JWSHeader header() {
		return this.header;
	}

	/**
	 * Signs with the private key; thread-safe.
	 */
	JWSSigner signer() {
		return this.signer;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return (this == obj) || (obj instanceof DpopKey other && this.thumbprint.equals(other.thumbprint));
	}

	@Override
	public int hashCode() {
		return this.thumbprint.hashCode();
	}

	@Override
	public String toString() {
		return "DpopKey [thumbprint=" + this.thumbprint + "]";
	}

}
