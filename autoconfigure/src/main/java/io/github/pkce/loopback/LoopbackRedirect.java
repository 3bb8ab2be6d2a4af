package io.github.pkce.loopback;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The rule a redirect URI of a native client follows: an {@code http} URI on a loopback
 * host, where {@link OAuthHttpServer} can receive the authorization response (RFC 8252
 * section 7.3). The client configuration, the {@code auth.pkce.redirect-uri} property and
 * the server all check a redirect URI with it, each in its own kind of error.
 *
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 section
 * 7.3</a>
 */
public final class LoopbackRedirect {

	private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

	private static final int MAX_PORT = 65535;

	private LoopbackRedirect() {
	}

	/**
	 * Says what keeps a redirect URI from being a loopback redirect URI. A URI without a
	 * port passes: as registered at the authorization server it means any port (RFC 8252
	 * section 7.3).
	 * @param redirectUri the redirect URI
	 * @return why the URI cannot be used, as a clause such as "its port 70000 is above
	 * 65535", or {@code null} if it can
	 */
	public static @Nullable String problem(URI redirectUri) {
		Objects.requireNonNull(redirectUri, "redirectUri cannot be null");
		if (!"http".equalsIgnoreCase(redirectUri.getScheme())) {
			return "it is not a loopback http URI: its scheme must be http (RFC 8252 section 7.3)";
		}
		String host = redirectUri.getHost();
		if (host == null || !LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
			return "it is not a loopback http URI: its host must be 127.0.0.1, [::1] or localhost so that only this "
					+ "machine can reach the login callback (RFC 8252 section 7.3)";
		}
		// user information before a loopback host only disguises where the browser goes
		if (redirectUri.getRawUserInfo() != null) {
			return "it has user information before the host, which a redirect URI cannot have";
		}
		if (redirectUri.getPort() > MAX_PORT) {
			return "its port " + redirectUri.getPort() + " is above " + MAX_PORT;
		}
		// a query would mix with the authorization response
		if (redirectUri.getRawQuery() != null || redirectUri.getRawFragment() != null) {
			return "a redirect URI cannot have a query or a fragment (RFC 6749 section 3.1.2)";
		}
		return null;
	}

}
