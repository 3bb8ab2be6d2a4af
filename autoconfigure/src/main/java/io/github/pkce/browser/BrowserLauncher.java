package io.github.pkce.browser;

import java.net.URI;

/**
 * Opens the user's browser at an authorization request. The caller always prints the URL
 * as well, so a user on a machine where no browser opens can copy it.
 * <p>
 * Implementations must return promptly for a real browser; a scripted browser used in
 * tests may complete the whole sign-in before returning.
 *
 * @author pkce-spring-boot
 */
@FunctionalInterface
public interface BrowserLauncher {

	/**
	 * Opens the given URI in a browser.
	 * @param uri the authorization request URI
	 * @return {@code true} if a browser was started, {@code false} if none could be
	 * opened
	 */
	boolean open(URI uri);

	/**
	 * Returns a launcher that opens nothing: the user copies the printed URL.
	 * @return a launcher that always returns {@code false}
	 */
	static BrowserLauncher none() {
		return (uri) -> false;
	}

}
