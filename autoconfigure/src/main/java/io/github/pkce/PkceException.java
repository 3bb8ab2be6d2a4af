package io.github.pkce;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a login, a refresh or a logout fails. Carries the OAuth error code (RFC
 * 6749 section 4.1.2.1 and 5.2, such as {@code access_denied} or {@code invalid_grant})
 * or one of the codes in {@link PkceErrorCodes}, and a message that tells the user what
 * to do. Never contains a token, an authorization code or a PKCE verifier.
 *
 * @author pkce-spring-boot
 */
public class PkceException extends RuntimeException {

	private final String errorCode;

	/**
	 * Creates an exception.
	 * @param errorCode the OAuth error code or one of {@link PkceErrorCodes}
	 * @param message the message shown to the user
	 */
	public PkceException(String errorCode, String message) {
		this(errorCode, message, null);
	}

	/**
	 * Creates an exception with a cause.
	 * @param errorCode the OAuth error code or one of {@link PkceErrorCodes}
	 * @param message the message shown to the user
	 * @param cause the cause, if any
	 */
	public PkceException(String errorCode, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.errorCode = errorCode;
	}

	/**
	 * Returns the OAuth error code or one of {@link PkceErrorCodes}.
	 * @return the error code, never {@code null}
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

}
