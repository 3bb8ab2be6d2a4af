package io.github.pkce;

/**
 * Whether the authorization request is pushed to the server first (RFC 9126), so that the
 * browser receives only the client id and a short-lived {@code request_uri} instead of
 * the request's parameters.
 *
 * @author pkce-spring-boot
 */
public enum ParMode {

	/**
	 * Push when the server has a {@code pushed_authorization_request_endpoint}; a server
	 * that sets {@code require_pushed_authorization_requests} always gets pushed
	 * requests.
	 */
	AUTO,

	/**
	 * Always push; a login against a server without the endpoint fails with a message
	 * saying so.
	 */
	ALWAYS,

	/**
	 * Never push; a login against a server that requires pushed requests fails with a
	 * message saying so.
	 */
	NEVER

}
