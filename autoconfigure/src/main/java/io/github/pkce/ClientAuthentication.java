package io.github.pkce;

/**
 * How a client that was issued a secret authenticates at the token endpoint (RFC 6749
 * section 2.3.1; names of RFC 7591 section 2). Without a secret the client sends only its
 * {@code client_id}, as a public client.
 * <p>
 * A secret compiled into a program that users download is not a secret: anyone can read
 * it. Providers such as Google (desktop clients) and GitHub issue one anyway; it is sent
 * because they require it, not because it protects anything. PKCE is what protects the
 * code.
 *
 * @author pkce-spring-boot
 */
public enum ClientAuthentication {

	/**
	 * HTTP Basic authentication with the URL-encoded client id and secret
	 * ({@code client_secret_basic}).
	 */
	CLIENT_SECRET_BASIC,

	/**
	 * The client id and secret as form parameters of the request
	 * ({@code client_secret_post}).
	 */
	CLIENT_SECRET_POST

}
