package io.github.pkce.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * SHA-256 digests of text, as the library's packages need them. Not an API.
 *
 * @author pkce-spring-boot
 */
public final class Hashes {

	private Hashes() {
	}

	/**
	 * Returns the SHA-256 digest of the UTF-8 bytes of a text, in lower-case hex.
	 * @param text the text
	 * @return 64 hex digits
	 */
	public static String sha256Hex(String text) {
		return HexFormat.of().formatHex(sha256(text));
	}

	/**
	 * Returns the SHA-256 digest of the UTF-8 bytes of a text, in unpadded base64url (RFC
	 * 4648 section 5).
	 * @param text the text
	 * @return 43 characters
	 */
	public static String sha256Base64Url(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(text));
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
