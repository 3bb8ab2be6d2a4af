package io.github.pkce.loopback;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The authorization response received on the loopback redirect URI (RFC 6749 section
 * 4.1.2): either an authorization code or an error (section 4.1.2.1), always with the
 * {@code state} that matched the request, and the {@code iss} parameter when the
 * authorization server sent one (RFC 9207), which the caller must compare with the
 * expected issuer.
 * <p>
 * Exactly one of {@link #code()} and {@link #error()} is present. {@link #toString()}
 * never shows the code or the state: both are secrets for as long as the login runs.
 * Instances are immutable and thread-safe.
 *
 * @param code the authorization code, {@code null} for an error response
 * @param state the {@code state} of the response, equal to the one of the request
 * @param issuer the {@code iss} parameter (RFC 9207 section 2), {@code null} when absent
 * @param error the OAuth error code, {@code null} for a successful response
 * @param errorDescription the human-readable error description, if any
 * @param errorUri the URI of a page about the error, if any
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2">RFC 6749 section
 * 4.1.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2">RFC 9207 section 2</a>
 */
public record AuthorizationCode(@Nullable String code, String state, @Nullable String issuer, @Nullable String error,
		@Nullable String errorDescription, @Nullable String errorUri) {

	private static final String PROTECTED = "[PROTECTED]";

	/**
	 * Creates an authorization response.
	 * @param code the authorization code, {@code null} for an error response
	 * @param state the {@code state} of the response
	 * @param issuer the {@code iss} parameter, if any
	 * @param error the OAuth error code, {@code null} for a successful response
	 * @param errorDescription the error description, if any
	 * @param errorUri the error URI, if any
	 * @throws IllegalArgumentException unless exactly one of {@code code} and
	 * {@code error} is given
	 */
	public AuthorizationCode {
		Objects.requireNonNull(state, "state cannot be null");
		if ((code == null) == (error == null)) {
			throw new IllegalArgumentException("Exactly one of code and error must be given");
		}
	}

	/**
	 * Creates a successful authorization response.
	 * @param code the authorization code
	 * @param state the {@code state} of the response
	 * @param issuer the {@code iss} parameter, if any
	 * @return the response
	 */
	public static AuthorizationCode ofCode(String code, String state, @Nullable String issuer) {
		Objects.requireNonNull(code, "code cannot be null");
		return new AuthorizationCode(code, state, issuer, null, null, null);
	}

	/**
	 * Creates an error response (RFC 6749 section 4.1.2.1). The issuer is kept because
	 * RFC 9207 asks the client to check it on error responses too.
	 * @param state the {@code state} of the response
	 * @param issuer the {@code iss} parameter, if any
	 * @param error the OAuth error code
	 * @param errorDescription the error description, if any
	 * @param errorUri the error URI, if any
	 * @return the response
	 */
	public static AuthorizationCode ofError(String state, @Nullable String issuer, String error,
			@Nullable String errorDescription, @Nullable String errorUri) {
		Objects.requireNonNull(error, "error cannot be null");
		return new AuthorizationCode(null, state, issuer, error, errorDescription, errorUri);
	}

	/**
	 * Returns whether this is an error response.
	 * @return {@code true} if {@link #error()} is present
	 */
	public boolean isError() {
		return this.error != null;
	}

	/**
	 * Returns a description that shows whether a code is present but never the code or
	 * the state themselves.
	 * @return the description
	 */
	@Override
	public String toString() {
		return "AuthorizationCode[code=" + ((this.code != null) ? PROTECTED : null) + ", state=" + PROTECTED
				+ ", issuer=" + this.issuer + ", error=" + this.error + ", errorDescription=" + this.errorDescription
				+ ", errorUri=" + this.errorUri + "]";
	}

}
