package io.github.pkce;

import java.net.URI;
import java.util.Set;

/**
 * Checks that a redirect URI is one a native client may listen on (RFC 8252 sections 7.3
 * and 8.3).
 *
 * @author pkce-spring-boot
 */
final class LoopbackRedirect {

	private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

	private LoopbackRedirect() {
	}

	static void check(URI redirectUri) {
		String host = redirectUri.getHost();
		if (!"http".equalsIgnoreCase(redirectUri.getScheme()) || host == null
				|| !LOOPBACK_HOSTS.contains(host.toLowerCase(java.util.Locale.ROOT))) {
			throw new IllegalArgumentException("Redirect URI '" + redirectUri
					+ "' is not a loopback http URI: use http://127.0.0.1:0/callback (port 0 picks a free port), "
					+ "or http://[::1]:PORT/PATH or http://localhost:PORT/PATH if the authorization server requires it");
		}
		if (redirectUri.getRawQuery() != null || redirectUri.getRawFragment() != null) {
			throw new IllegalArgumentException(
					"Redirect URI '" + redirectUri + "' must not have a query or a fragment (RFC 6749 section 3.1.2)");
		}
	}

}
