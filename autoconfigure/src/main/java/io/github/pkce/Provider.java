package io.github.pkce;

/**
 * Identity providers whose settings and deviations from the standards are known:
 * {@link ProviderPresets} fills a {@link ClientConfig.Builder} with what each one needs,
 * and {@link ClientConfig#getProvider()} switches on the few checks that must bend for
 * it. Everything a preset sets can still be overridden on the builder.
 *
 * @author pkce-spring-boot
 * @see ProviderPresets
 */
public enum Provider {

	/**
	 * Google: issuer {@code https://accounts.google.com}; {@code access_type=offline} and
	 * {@code prompt=consent} so that a refresh token is issued; a client secret sent with
	 * {@code client_secret_post}; ID tokens whose {@code iss} may lack the
	 * {@code https://} scheme.
	 */
	GOOGLE,

	/**
	 * Microsoft Entra ID (v2.0 endpoints): issuer
	 * {@code https://login.microsoftonline.com/<tenant>/v2.0}; redirect URI
	 * {@code http://localhost} on any port; {@code offline_access}; the multi-tenant
	 * issuer {@code {tenantid}} checked against the ID token's {@code tid}; the scope
	 * repeated on refresh.
	 */
	MICROSOFT,

	/**
	 * Auth0: issuer {@code https://<domain>/} (with its trailing slash);
	 * {@code offline_access}; refresh tokens that rotate.
	 */
	AUTH0,

	/**
	 * Okta: the custom authorization server {@code https://<domain>/oauth2/default} (set
	 * the issuer to {@code https://<domain>} for the org authorization server);
	 * {@code offline_access}.
	 */
	OKTA,

	/**
	 * Keycloak: a realm issuer {@code https://<domain>/realms/<realm>}; {@code iss} in
	 * the authorization response (RFC 9207); {@code offline_access} for offline tokens.
	 */
	KEYCLOAK,

	/**
	 * GitHub (OAuth apps and GitHub Apps): no OpenID Connect, so explicit endpoints, no
	 * ID token, and the user read from {@code GET /user}; a client secret sent with
	 * {@code client_secret_post}; the device flow.
	 */
	GITHUB

}
