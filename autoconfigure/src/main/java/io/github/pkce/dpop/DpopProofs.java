package io.github.pkce.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.pkce.internal.Hashes;
import io.github.pkce.internal.Origin;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Creates DPoP proof JWTs (RFC 9449 section 4.2): a JWS signed with the {@link DpopKey},
 * whose header carries the public key and whose claims bind the proof to one request
 * ({@code htm}, {@code htu}), to the time ({@code iat}), to the server's nonce when it
 * asked for one ({@code nonce}, section 8) and, on a protected-resource request, to the
 * access token ({@code ath}, section 7).
 * <p>
 * Thread-safe. The JOSE work is nimbus-jose-jwt's: the claims are a {@code JWTClaimsSet},
 * the proof a {@code SignedJWT} signed by an {@code ECDSASigner}. The header is encoded
 * once per key; each proof costs its claims and one ECDSA signature.
 *
 * @author pkce-spring-boot
 */
public final class DpopProofs {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	/** 128 bits: RFC 9449 section 4.2 asks for at least 96 bits of randomness. */
	private static final int JTI_BYTES = 16;

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Creates proofs whose {@code iat} is the system time.
	 */
	public DpopProofs() {
		this(Clock.systemUTC());
	}

	/**
	 * Creates proofs whose {@code iat} comes from the given clock.
	 * @param clock the clock
	 */
	public DpopProofs(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Creates a proof for a request to the authorization server, such as a token request
	 * (RFC 9449 section 5): no {@code ath}.
	 * @param key the key that signs the proof
	 * @param method the HTTP method of the request, as sent (methods are case-sensitive,
	 * RFC 9110 section 9.1), such as {@code POST}
	 * @param uri the request URI; its query and fragment are left out of {@code htu}
	 * @param nonce the server's latest {@code DPoP-Nonce}, or {@code null}
	 * @return the proof, the value of the {@code DPoP} request header
	 */
	public String create(DpopKey key, String method, URI uri, @Nullable String nonce) {
		return create(key, method, uri, null, nonce);
	}

	/**
	 * Creates a proof for a request; with an access token, for a request to a protected
	 * resource, which binds the proof to the token with
	 * {@code ath = base64url(SHA-256(token))} (RFC 9449 sections 4.2 and 7).
	 * @param key the key that signs the proof
	 * @param method the HTTP method of the request, as sent (methods are case-sensitive,
	 * RFC 9110 section 9.1), such as {@code GET}
	 * @param uri the request URI; its query and fragment are left out of {@code htu}
	 * @param accessToken the access token sent with the request, or {@code null}
	 * @param nonce the server's latest {@code DPoP-Nonce}, or {@code null}
	 * @return the proof, the value of the {@code DPoP} request header
	 */
	public String create(DpopKey key, String method, URI uri, @Nullable String accessToken, @Nullable String nonce) {
		Assert.notNull(key, "key cannot be null");
		Assert.isTrue(isToken(method), "method must be an HTTP method name");
		Assert.notNull(uri, "uri cannot be null");
		Assert.isTrue(accessToken == null || !accessToken.isEmpty(), "accessToken cannot be empty");
		Assert.isTrue(nonce == null || DpopNonces.isValid(nonce), "nonce is not a valid DPoP-Nonce");
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti())
			.claim("htm", method)
			.claim("htu", htu(uri))
			.issueTime(new Date(Math.floorDiv(this.clock.millis(), 1000L) * 1000L));
		if (nonce != null) {
			claims.claim("nonce", nonce);
		}
		if (accessToken != null) {
			claims.claim("ath", Hashes.sha256Base64Url(accessToken));
		}
		// the key's header keeps its encoding: each proof encodes its claims only
		SignedJWT proof = new SignedJWT(key.header(), claims.build());
		try {
			proof.sign(key.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign the DPoP proof", ex);
		}
		return proof.serialize();
	}

	private String jti() {
		byte[] bytes = new byte[JTI_BYTES];
		this.random.nextBytes(bytes);
		return BASE64URL.encodeToString(bytes);
	}

	/**
	 * The {@code htu} claim: the target URI without query and fragment (RFC 9449 section
	 * 4.2), normalised as a server compares it (section 4.3, RFC 3986 sections 6.2.2 and
	 * 6.2.3): scheme and host in lower case, no default port, {@code /} for an empty
	 * path. User information is left out: it is never part of an HTTP request's target.
	 */
	static String htu(URI uri) {
		String scheme = uri.getScheme();
		String host = uri.getHost();
		Assert.isTrue(scheme != null && host != null && !uri.isOpaque(), "uri must be an absolute URI with a host");
		scheme = scheme.toLowerCase(Locale.ROOT);
		Assert.isTrue(scheme.equals("https") || scheme.equals("http"), "uri must be an http or https URI");
		String path = uri.getRawPath();
		int port = uri.getPort();
		StringBuilder htu = new StringBuilder(
				scheme.length() + host.length() + 10 + ((path != null) ? path.length() : 0));
		htu.append(scheme).append("://").append(host.toLowerCase(Locale.ROOT));
		if (port != -1 && port != Origin.defaultPort(scheme)) {
			htu.append(':').append(port);
		}
		if (path == null || path.isEmpty()) {
			htu.append('/');
		}
		else {
			appendAscii(htu, path);
		}
		return htu.toString();
	}

	/**
	 * Appends a raw path, with any character a {@code java.net.URI} allows beyond ASCII
	 * percent-encoded as UTF-8, as it goes on the wire ({@link URI#toASCIIString()}).
	 */
	private static void appendAscii(StringBuilder htu, String path) {
		int start = 0;
		for (int i = 0; i < path.length(); i++) {
			if (path.charAt(i) >= 0x80) {
				int end = i + 1;
				while (end < path.length() && path.charAt(end) >= 0x80) {
					end++;
				}
				htu.append(path, start, i);
				for (byte b : path.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
					htu.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
				}
				start = end;
				i = end - 1;
			}
		}
		htu.append(path, start, path.length());
	}

	/**
	 * Whether the text is an RFC 9110 token (section 5.6.2), as a method name is: also
	 * rules out anything that would need escaping in JSON.
	 */
	private static boolean isToken(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
			if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
				return false;
			}
		}
		return true;
	}

}
