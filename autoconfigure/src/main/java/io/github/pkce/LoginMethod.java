package io.github.pkce;

/**
 * How an interactive login signs the user in.
 *
 * @author pkce-spring-boot
 * @see InteractiveLogin
 */
public enum LoginMethod {

	/**
	 * The browser when one can be opened; otherwise a code entered on another device (RFC
	 * 8628) when the server offers it; otherwise the browser login with its URL printed
	 * for the user to open.
	 */
	AUTO,

	/**
	 * Always the browser: authorization code with PKCE over a loopback redirect (RFC
	 * 8252).
	 */
	BROWSER,

	/**
	 * Always a code entered on another device: the device authorization grant (RFC 8628).
	 */
	DEVICE

}
