package io.github.pkce.providers;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

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
import tools.jackson.databind.ObjectMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * An identity provider played by WireMock from its public documentation: discovery
 * document, signing keys and signed ID tokens.
 */
final class ProviderStub {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final RSAKey KEY;

	static {
		try {
			KEY = new RSAKeyGenerator(2048).keyID("provider-key").generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private final WireMockExtension server;

	ProviderStub(WireMockExtension server) {
		this.server = server;
	}

	/**
	 * Returns the stub's base URL, such as {@code http://127.0.0.1:51234}.
	 * @return the base URL
	 */
	String base() {
		return this.server.baseUrl();
	}

	/**
	 * Serves a discovery document at
	 * {@code <issuerPath>/.well-known/openid-configuration}.
	 * @param issuerPath the path of the configured issuer, such as {@code /} or
	 * {@code /realms/acme}
	 * @param document the document
	 */
	void discovery(String issuerPath, Map<String, Object> document) {
		String trimmed = issuerPath.endsWith("/") ? issuerPath.substring(0, issuerPath.length() - 1) : issuerPath;
		this.server.stubFor(
				get(urlPathEqualTo(trimmed + "/.well-known/openid-configuration")).willReturn(okJson(json(document))));
	}

	/**
	 * Serves the signing key at the given path.
	 * @param path the JWK set path
	 */
	void keys(String path) {
		this.server.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(new JWKSet(KEY.toPublicJWK()).toString())));
	}

	/**
	 * Signs an ID token with the provider's key.
	 * @param claims the claims; {@code iat} and {@code exp} are added
	 * @return the ID token
	 */
	static String idToken(Map<String, Object> claims) {
		try {
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issueTime(new Date())
				.expirationTime(Date.from(Instant.now().plusSeconds(3600)));
			claims.forEach(builder::claim);
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).type(JOSEObjectType.JWT).build(),
					builder.build());
			jwt.sign(new RSASSASigner(KEY));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns a map of the given keys and values, in order.
	 * @param keysAndValues alternating keys and values
	 * @return the map
	 */
	static Map<String, Object> map(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

}
