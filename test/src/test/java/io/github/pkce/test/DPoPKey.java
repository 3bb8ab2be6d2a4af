package io.github.pkce.test;

import java.net.URI;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * A client's DPoP key pair (P-256) and the proofs it signs (RFC 9449 section 4.2), made
 * by hand so the kit is tested without the library's DPoP code. Public for the library's
 * end-to-end tests, which make an attacker's proofs with it.
 *
 * @author pkce-spring-boot
 */
public final class DPoPKey {

	private final ECKey key;

	private DPoPKey(ECKey key) {
		this.key = key;
	}

	/**
	 * Generates a new key pair.
	 * @return the key
	 */
	public static DPoPKey generate() {
		try {
			return new DPoPKey(new ECKeyGenerator(Curve.P_256).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the JWK SHA-256 thumbprint of the public key (RFC 7638), the
	 * {@code cnf.jkt} of a token bound to it.
	 */
	String thumbprint() {
		try {
			return this.key.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Signs a proof for one request.
	 * @param method the HTTP method ({@code htm})
	 * @param uri the request URI without query ({@code htu})
	 * @param accessToken the access token the request carries, hashed into {@code ath},
	 * or {@code null} for a token request
	 * @return the signed proof, serialized
	 */
	public String proof(String method, URI uri, @Nullable String accessToken) {
		JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
			.jwk(this.key.toPublicJWK())
			.build();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", uri.toString())
			.issueTime(new Date());
		if (accessToken != null) {
			claims.claim("ath", OAuthTestClient.s256(accessToken));
		}
		SignedJWT proof = new SignedJWT(header, claims.build());
		try {
			proof.sign(new ECDSASigner(this.key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return proof.serialize();
	}

}
