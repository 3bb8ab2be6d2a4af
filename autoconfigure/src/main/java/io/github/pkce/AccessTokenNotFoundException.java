package io.github.pkce;

/**
 * Thrown when no valid access token is available and none can be obtained without the
 * user: nothing is stored, the refresh token was refused, and an interactive login is not
 * allowed here.
 *
 * @author pkce-spring-boot
 */
public class AccessTokenNotFoundException extends PkceException {

	/**
	 * Creates an exception.
	 * @param message the message telling the user how to sign in
	 */
	public AccessTokenNotFoundException(String message) {
		super(PkceErrorCodes.NOT_SIGNED_IN, message);
	}

}
