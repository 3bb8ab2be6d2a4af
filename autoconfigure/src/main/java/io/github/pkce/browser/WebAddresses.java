package io.github.pkce.browser;

import java.net.URI;
import java.util.Locale;

/**
 * Decides which URIs may be handed to a browser command.
 *
 * @author pkce-spring-boot
 */
final class WebAddresses {

	private WebAddresses() {
	}

	/**
	 * Whether the URI is an absolute {@code http} or {@code https} address. System
	 * openers also open files and run handlers for other schemes, so nothing else is
	 * passed on. The scheme also means the argument can never start with {@code -} and be
	 * taken for an option.
	 * @param uri the URI to check
	 * @return {@code true} if the URI may be opened in a browser
	 */
	static boolean isWebAddress(URI uri) {
		String scheme = uri.getScheme();
		if (scheme == null || uri.isOpaque() || uri.getRawAuthority() == null) {
			return false;
		}
		String lowerCaseScheme = scheme.toLowerCase(Locale.ROOT);
		return lowerCaseScheme.equals("http") || lowerCaseScheme.equals("https");
	}

}
