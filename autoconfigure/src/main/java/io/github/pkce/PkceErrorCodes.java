package io.github.pkce;

/**
 * Error codes of {@link PkceException} that are not defined by RFC 6749.
 *
 * @author pkce-spring-boot
 */
public final class PkceErrorCodes {

	/** No authorization response arrived before the login timeout. */
	public static final String LOGIN_TIMEOUT = "login_timeout";

	/** The login was cancelled (the waiting thread was interrupted). */
	public static final String LOGIN_CANCELLED = "login_cancelled";

	/**
	 * The loopback callback server could not be started, for example because its fixed
	 * port is taken.
	 */
	public static final String CALLBACK_SERVER = "callback_server_error";

	/** The authorization response was malformed (no code, a repeated parameter). */
	public static final String INVALID_RESPONSE = "invalid_authorization_response";

	/**
	 * The {@code state} of the authorization response did not match the request (RFC 6749
	 * section 10.12).
	 */
	public static final String INVALID_STATE = "invalid_state_parameter";

	/**
	 * The {@code iss} of the authorization response did not match the issuer (RFC 9207).
	 */
	public static final String INVALID_ISSUER = "invalid_issuer";

	/**
	 * The ID token failed validation (signature, {@code iss}, {@code aud}, {@code exp} or
	 * {@code nonce}).
	 */
	public static final String INVALID_ID_TOKEN = "invalid_id_token";

	/**
	 * The identity provider could not be reached or answered with something that is not
	 * OAuth.
	 */
	public static final String SERVER_UNAVAILABLE = "server_unavailable";

	/**
	 * The discovery document could not be read or does not belong to the configured
	 * issuer.
	 */
	public static final String INVALID_METADATA = "invalid_provider_metadata";

	/** No credentials are stored and an interactive login is not allowed. */
	public static final String NOT_SIGNED_IN = "not_signed_in";

	/**
	 * The lock that keeps processes from refreshing at the same time could not be
	 * created.
	 */
	public static final String LOCK_UNAVAILABLE = "lock_unavailable";

	/**
	 * The credential store could not be used: the system keyring is missing, locked or
	 * does not answer, or the credentials file cannot be read or written.
	 */
	public static final String CREDENTIAL_STORE = "credential_store_error";

	/**
	 * DPoP (RFC 9449) was required but the server does not support it, or a DPoP request
	 * could not be made.
	 */
	public static final String DPOP_UNSUPPORTED = "dpop_unsupported";

	/**
	 * A pushed authorization request (RFC 9126) was required or refused by the
	 * configuration, or the server refused or failed it.
	 */
	public static final String PAR_FAILED = "pushed_authorization_request_failed";

	private PkceErrorCodes() {
	}

}
