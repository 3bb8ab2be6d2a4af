package io.github.pkce.internal;

import java.net.URI;
import java.util.Locale;

import org.springframework.util.Assert;

/**
 * The origin of a URI (RFC 6454 section 4): scheme and host in lower case, and the port,
 * with the scheme's default port filled in, so {@code https://a} and
 * {@code https://A:443/x} have the same origin. Not an API.
 *
 * @param scheme the scheme, in lower case
 * @param host the host, in lower case
 * @param port the port, or {@code -1} for a scheme without a known default port
 * @author pkce-spring-boot
 */
public record Origin(String scheme, String host, int port) {

	/**
	 * Returns the origin of a URI; its path, query and fragment are ignored.
	 * @param uri an absolute URI with a host
	 * @return the origin
	 */
	public static Origin of(URI uri) {
		Assert.notNull(uri, "uri cannot be null");
		String scheme = uri.getScheme();
		String host = uri.getHost();
		Assert.isTrue(scheme != null && host != null, "uri must be an absolute URI with a host");
		return new Origin(scheme.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT), port(scheme, uri.getPort()));
	}

	/**
	 * Returns the default port of a scheme (RFC 9110 sections 4.2.1 and 4.2.2).
	 * @param scheme the scheme, in any case
	 * @return {@code 443} for {@code https}, {@code 80} for {@code http}, otherwise
	 * {@code -1}
	 */
	public static int defaultPort(String scheme) {
		if ("https".equalsIgnoreCase(scheme)) {
			return 443;
		}
		return "http".equalsIgnoreCase(scheme) ? 80 : -1;
	}

	/**
	 * Returns whether a URI has this origin. Compares in place: it builds no string, as
	 * it runs on every request.
	 * @param uri a URI
	 * @return whether the URI is absolute, has a host and has this origin
	 */
	public boolean matches(URI uri) {
		String scheme = uri.getScheme();
		String host = uri.getHost();
		return scheme != null && host != null && this.port == port(scheme, uri.getPort())
				&& this.scheme.equalsIgnoreCase(scheme) && this.host.equalsIgnoreCase(host);
	}

	private static int port(String scheme, int port) {
		return (port != -1) ? port : defaultPort(scheme);
	}

	/**
	 * Returns the origin as {@code scheme://host:port}.
	 * @return the origin
	 */
	@Override
	public String toString() {
		return this.scheme + "://" + this.host + ":" + this.port;
	}

}
