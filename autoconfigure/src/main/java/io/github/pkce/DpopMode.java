package io.github.pkce;

/**
 * Whether tokens are bound to a key of this program with DPoP (RFC 9449), so that a
 * leaked access or refresh token is useless without the key.
 *
 * @author pkce-spring-boot
 */
public enum DpopMode {

	/**
	 * Use DPoP when the server advertises an algorithm we sign with
	 * ({@code dpop_signing_alg_values_supported} containing {@code ES256}); plain bearer
	 * tokens otherwise.
	 */
	AUTO,

	/**
	 * Always use DPoP; a login against a server that does not advertise it fails with a
	 * message saying so.
	 */
	ALWAYS,

	/** Never use DPoP for new logins: bearer tokens only. */
	NEVER

}
