package io.github.pkce.store;

import io.github.pkce.internal.Hashes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Derives the key of a configuration's credentials, so that two configurations never
 * share tokens: {@code <host>-<client id>-<digest>}, for example
 * {@code login.example.com-my-cli-5d41402abc4b2a76}.
 * <p>
 * The host (of the issuer or token endpoint) and the client id are there for people
 * reading a keyring or a directory: lower-cased, each run of characters other than
 * {@code a-z 0-9 . _ -} replaced by {@code _}, cut to 60 and 40 characters. The digest
 * makes the key unique: the first 16 hexadecimal digits (64 bits) of the SHA-256 of
 * {@code pkce-key-v1}, then the issuer, the client id and the target endpoint, each
 * preceded by its length and a colon ({@code -} for no target). URIs are compared after
 * lower-casing their scheme and host and dropping trailing {@code /}: these differences
 * never name a different server. The client id and the rest of the URIs are compared
 * exactly.
 * <p>
 * The result is made of {@code a-z 0-9 . _ -} only, at most 118 characters, so it is a
 * valid keyring account and file name everywhere. It must never change from one release
 * to the next: a different key would sign every user out.
 *
 * @author pkce-spring-boot
 */
public final class CredentialKeys {

	private CredentialKeys() {
	}

	/**
	 * Derives the key of a configuration.
	 * @param issuerOrTokenEndpoint the issuer, or the token endpoint when there is no
	 * issuer
	 * @param clientId the client id
	 * @param targetEndpoint the endpoint the tokens are for (a resource server or an
	 * audience), or {@code null}
	 * @return the key
	 */
	public static String of(String issuerOrTokenEndpoint, String clientId, @Nullable String targetEndpoint) {
		Assert.hasText(issuerOrTokenEndpoint, "issuerOrTokenEndpoint cannot be empty");
		Assert.hasText(clientId, "clientId cannot be empty");
		String issuer = normalize(issuerOrTokenEndpoint);
		String target = StringUtils.hasText(targetEndpoint) ? normalize(targetEndpoint) : null;
		String canonical = "pkce-key-v1" + field(issuer) + field(clientId) + ((target != null) ? field(target) : "-");
		return readable(host(issuer), 60) + "-" + readable(clientId, 40) + "-"
				+ Hashes.sha256Hex(canonical).substring(0, 16);
	}

	private static String field(String value) {
		return value.length() + ":" + value;
	}

	private static String normalize(String uri) {
		String text = uri.strip();
		try {
			URI parsed = new URI(text);
			if (parsed.getScheme() != null && parsed.getRawAuthority() != null) {
				String path = (parsed.getRawPath() != null) ? parsed.getRawPath() : "";
				while (path.endsWith("/")) {
					path = path.substring(0, path.length() - 1);
				}
				return parsed.getScheme().toLowerCase(Locale.ROOT) + "://"
						+ parsed.getRawAuthority().toLowerCase(Locale.ROOT) + path
						+ ((parsed.getRawQuery() != null) ? "?" + parsed.getRawQuery() : "");
			}
		}
		catch (URISyntaxException ex) {
			// not a URI: compared as given
		}
		return text;
	}

	private static String host(String uri) {
		try {
			String host = new URI(uri).getHost();
			if (host != null) {
				return host;
			}
		}
		catch (URISyntaxException ex) {
			// not a URI: its text is readable enough
		}
		return uri;
	}

	private static String readable(String text, int maxLength) {
		String readable = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_");
		readable = readable.substring(0, Math.min(readable.length(), maxLength));
		return readable.isEmpty() ? "_" : readable;
	}

}
