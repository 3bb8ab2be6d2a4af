package io.github.pkce.test;

/**
 * Thrown when a {@link ScriptedBrowser} cannot play its part: the sign-in failed, an
 * expected page did not appear, or a page could not be loaded. The message names the page
 * without its query, so it never contains an authorization code or a state.
 *
 * @author pkce-spring-boot
 */
public class ScriptedBrowserException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 */
	public ScriptedBrowserException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public ScriptedBrowserException(String message, Throwable cause) {
		super(message, cause);
	}

}
