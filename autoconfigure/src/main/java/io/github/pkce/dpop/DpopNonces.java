package io.github.pkce.dpop;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.pkce.internal.Origin;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.Assert;

/**
 * The latest {@code DPoP-Nonce} each server sent (RFC 9449 sections 8 and 9), by origin:
 * scheme, host and port, with the default port filled in, so {@code http://a} and
 * {@code http://a:80} share a nonce. The next proof to that origin carries it.
 * <p>
 * Thread-safe.
 *
 * @author pkce-spring-boot
 * @see DpopProofs
 */
public final class DpopNonces {

	/** The response header that carries a nonce (RFC 9449 section 8.1). */
	static final String HEADER = "DPoP-Nonce";

	/** Longer nonces are ignored: a server has no reason to send one, a proof no room. */
	static final int MAX_LENGTH = 1024;

	private final ConcurrentMap<Origin, String> nonces = new ConcurrentHashMap<>();

	/**
	 * Creates an empty set of nonces.
	 */
	public DpopNonces() {
	}

	/**
	 * Returns the latest nonce from the origin of a URI.
	 * @param uri an absolute URI
	 * @return the nonce, or {@code null} when that origin has sent none
	 */
	public @Nullable String get(URI uri) {
		return this.nonces.get(Origin.of(uri));
	}

	/**
	 * Records the {@code DPoP-Nonce} header of a response, if it has one. A nonce that is
	 * not valid RFC 9449 section 8.1 syntax ({@code 1*NQCHAR}), or longer than 1024
	 * characters, is ignored, and so is a response without the header: the stored nonce
	 * stays.
	 * @param uri the URI the request went to
	 * @param headers the response headers
	 * @return whether a valid nonce was present and differs from the stored one, in which
	 * case a request rejected with {@code use_dpop_nonce} is worth sending again
	 */
	public boolean update(URI uri, HttpHeaders headers) {
		Assert.notNull(headers, "headers cannot be null");
		Origin origin = Origin.of(uri);
		String nonce = headers.getFirst(HEADER);
		if (nonce == null || !isValid(nonce)) {
			return false;
		}
		return !nonce.equals(this.nonces.put(origin, nonce));
	}

	/**
	 * Whether a text is a nonce: {@code nonce = 1*NQCHAR},
	 * {@code NQCHAR = %x21 / %x23-5B / %x5D-7E} (RFC 9449 section 8.1), so no space,
	 * quote or backslash, which also keeps it safe in JSON as it is.
	 */
	static boolean isValid(String nonce) {
		if (nonce.isEmpty() || nonce.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < nonce.length(); i++) {
			char c = nonce.charAt(i);
			if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}
