package io.github.pkce;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Client configurations for the identity providers people use, as Spring Security's
 * {@code CommonOAuth2Provider} offers for web applications, with the native-app details
 * done right. Each method returns a {@link ClientConfig.Builder} already holding what the
 * provider needs; anything can be overridden before {@link ClientConfig.Builder#build()}:
 *
 * <pre class="code">
 * ClientConfig config = ProviderPresets.auth0("my-client-id", "dev-abc123.us.auth0.com")
 * 	.audience("https://api.example.com")
 * 	.build();
 * </pre>
 *
 * A setter replaces what the preset set; extra parameters are added to the preset's, and
 * a parameter given an empty value removes the preset's one (such as
 * {@code authorizationParameters(Map.of("prompt", ""))}).
 *
 * @author pkce-spring-boot
 * @see Provider
 */
public final class ProviderPresets {

	/**
	 * The Microsoft tenant used when none is given: {@code common}, the default authority
	 * of Microsoft's own libraries (MSAL), which signs in work, school and personal
	 * accounts. Use {@code organizations}, {@code consumers}, a tenant id or a tenant
	 * domain to narrow it.
	 */
	public static final String MICROSOFT_DEFAULT_TENANT = "common";

	/** Google's issuer. */
	static final URI GOOGLE_ISSUER = URI.create("https://accounts.google.com");

	private static final String GITHUB_DOMAIN = "github.com";

	private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

	private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]+");

	private static final Pattern REALM = Pattern.compile("[^/?#\\s]+");

	private ProviderPresets() {
	}

	/**
	 * Google, for an OAuth client of type "Desktop app". Sets the issuer
	 * {@code https://accounts.google.com}, the scopes {@code openid email profile}, and
	 * {@code access_type=offline} with {@code prompt=consent}: Google returns a refresh
	 * token only for offline access, and again only when the user is asked to consent.
	 * Google does not know the {@code offline_access} scope. Desktop clients are issued a
	 * client secret that Google requires in the token request: set it with
	 * {@link ClientConfig.Builder#clientSecret(String)} (it is sent with
	 * {@code client_secret_post}).
	 * @param clientId the client id
	 * @return a builder holding Google's settings
	 * @see <a href=
	 * "https://developers.google.com/identity/protocols/oauth2/native-app">OAuth 2.0 for
	 * desktop apps</a>
	 */
	public static ClientConfig.Builder google(String clientId) {
		return ClientConfig.withClientId(clientId)
			.provider(Provider.GOOGLE)
			.issuerUri(GOOGLE_ISSUER)
			.scopes("openid", "email", "profile")
			// https://developers.google.com/identity/protocols/oauth2/web-server#offline
			.authorizationParameters(Map.of("access_type", "offline", "prompt", "consent"))
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST);
	}

	/**
	 * Microsoft Entra ID (v2.0 endpoints), for an app registration with the platform
	 * "Mobile and desktop applications" and the redirect URI {@code http://localhost}.
	 * Sets the issuer {@code https://login.microsoftonline.com/<tenant>/v2.0}, the
	 * redirect URI {@code http://localhost} on a free port (Entra ignores the port of
	 * {@code localhost} redirect URIs), and the scopes {@code openid profile
	 * offline_access}; add the API's scopes, such as {@code api://<app-id>/.default} (one
	 * resource per login). With a multi-tenant tenant ({@code common},
	 * {@code organizations}, {@code consumers}) the issuer of the discovery document is
	 * checked against the tenant-independent form, and the ID token's issuer against its
	 * {@code tid} claim.
	 * @param clientId the application (client) id
	 * @param tenant {@code common}, {@code organizations}, {@code consumers}, a tenant id
	 * or a verified domain of the tenant; {@code null} or empty for
	 * {@value #MICROSOFT_DEFAULT_TENANT}
	 * @return a builder holding Microsoft's settings
	 * @see <a href=
	 * "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow">Microsoft
	 * identity platform and OAuth 2.0 authorization code flow</a>
	 */
	public static ClientConfig.Builder microsoft(String clientId, @Nullable String tenant) {
		String name = (tenant != null && !tenant.isBlank()) ? tenant.trim() : MICROSOFT_DEFAULT_TENANT;
		Assert.isTrue(TENANT.matcher(name).matches(), () -> "Tenant '" + tenant
				+ "' is not a tenant name: use common, organizations, consumers, a tenant id or a tenant domain");
		return ClientConfig.withClientId(clientId)
			.provider(Provider.MICROSOFT)
			.issuerUri(URI.create("https://login.microsoftonline.com/" + name + "/v2.0"))
			// https://learn.microsoft.com/en-us/entra/identity-platform/reply-url#localhost-exceptions
			.redirectUri(URI.create("http://localhost:0/"))
			.scopes("openid", "profile", "offline_access")
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST);
	}

	/**
	 * Auth0, for an application of type "Native". Sets the issuer
	 * {@code https://<domain>/}, with the trailing slash Auth0's issuer has (issuers are
	 * compared exactly), and the scopes {@code openid profile email offline_access}. Set
	 * {@link ClientConfig.Builder#audience(String)} to the API's identifier to receive an
	 * access token for it.
	 * @param clientId the client id
	 * @param domain the tenant's domain, such as {@code dev-abc123.us.auth0.com}, or a
	 * custom domain
	 * @return a builder holding Auth0's settings
	 * @see <a href=
	 * "https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce">Authorization
	 * Code Flow with PKCE</a>
	 */
	public static ClientConfig.Builder auth0(String clientId, String domain) {
		return ClientConfig.withClientId(clientId)
			.provider(Provider.AUTH0)
			.issuerUri(URI.create("https://" + host("domain", domain) + "/"))
			.scopes("openid", "profile", "email", "offline_access")
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST);
	}

	/**
	 * Okta, for an app integration of type "Native Application". Sets the issuer of the
	 * custom authorization server {@code default},
	 * {@code https://<domain>/oauth2/default} (the one whose access tokens your own APIs
	 * can validate), and the scopes {@code openid profile email offline_access}. For the
	 * org authorization server, set the issuer to {@code https://<domain>}.
	 * @param clientId the client id
	 * @param domain the Okta domain, such as {@code dev-123456.okta.com}
	 * @return a builder holding Okta's settings
	 * @see <a href=
	 * "https://developer.okta.com/docs/concepts/auth-servers/">Authorization servers</a>
	 */
	public static ClientConfig.Builder okta(String clientId, String domain) {
		return ClientConfig.withClientId(clientId)
			.provider(Provider.OKTA)
			.issuerUri(URI.create("https://" + host("domain", domain) + "/oauth2/default"))
			.scopes("openid", "profile", "email", "offline_access")
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC);
	}

	/**
	 * Keycloak, for a public OpenID Connect client ("Client authentication" off) with the
	 * valid redirect URI {@code http://127.0.0.1/callback}. Sets the realm issuer
	 * {@code https://<domain>/realms/<realm>} and the scopes {@code openid profile email
	 * offline_access} (an offline token, which outlives the browser session).
	 * @param clientId the client id
	 * @param domain the server's host, with a port if needed, such as
	 * {@code sso.example.com}
	 * @param realm the realm
	 * @return a builder holding Keycloak's settings
	 */
	public static ClientConfig.Builder keycloak(String clientId, String domain, String realm) {
		Assert.isTrue(realm != null && REALM.matcher(realm).matches(),
				() -> "Realm '" + realm + "' is not a realm name such as acme");
		return keycloak(clientId, URI.create("https://" + host("domain", domain) + "/realms/" + realm));
	}

	/**
	 * Keycloak at a realm issuer of any form, such as
	 * {@code https://sso.example.com/auth/realms/acme} for a server with the legacy
	 * {@code /auth} path.
	 * @param clientId the client id
	 * @param issuerUri the realm's issuer
	 * @return a builder holding Keycloak's settings
	 * @see <a href= "https://www.keycloak.org/docs/latest/securing_apps/#_oidc">Keycloak
	 * OpenID Connect endpoints</a>
	 */
	public static ClientConfig.Builder keycloak(String clientId, URI issuerUri) {
		return ClientConfig.withClientId(clientId)
			.provider(Provider.KEYCLOAK)
			.issuerUri(issuerUri)
			.scopes("openid", "profile", "email", "offline_access")
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC);
	}

	/**
	 * GitHub, for an OAuth app or a GitHub App with the callback URL
	 * {@code http://127.0.0.1/callback} (GitHub accepts any port on a loopback callback).
	 * GitHub has no OpenID Connect: the endpoints are explicit, there is no ID token, and
	 * the signed-in user is read from {@code GET https://api.github.com/user}. GitHub
	 * issues a client secret that its browser flow requires (the device flow does not):
	 * set it with {@link ClientConfig.Builder#clientSecret(String)}. No scope is
	 * requested by default (public information only); add those the program needs, such
	 * as {@code repo}.
	 * @param clientId the client id
	 * @return a builder holding GitHub's settings
	 * @see <a href=
	 * "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps">Authorizing
	 * OAuth apps</a>
	 */
	public static ClientConfig.Builder github(String clientId) {
		return github(clientId, GITHUB_DOMAIN);
	}

	/**
	 * GitHub, or GitHub Enterprise Server at the given host (its API then being at
	 * {@code https://<domain>/api/v3}).
	 * @param clientId the client id
	 * @param domain {@code github.com}, or the host of a GitHub Enterprise Server
	 * @return a builder holding GitHub's settings
	 * @see #github(String)
	 */
	public static ClientConfig.Builder github(String clientId, String domain) {
		String host = host("domain", domain);
		boolean dotCom = GITHUB_DOMAIN.equals(host.toLowerCase(Locale.ROOT));
		String base = "https://" + host;
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(base + "/login/oauth/authorize"), URI.create(base + "/login/oauth/access_token"))
			.deviceAuthorizationEndpoint(URI.create(base + "/login/device/code"))
			.userInfoEndpoint(URI.create(dotCom ? "https://api.github.com/user" : base + "/api/v3/user"))
			// PKCE is supported since July 2025:
			// https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication
			.codeChallengeMethods(java.util.List.of("S256"))
			.build();
		return ClientConfig.withClientId(clientId)
			.provider(Provider.GITHUB)
			.providerMetadata(metadata)
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST);
	}

	private static String host(String name, @Nullable String value) {
		Assert.isTrue(value != null && HOST.matcher(value.trim()).matches(), () -> "The " + name + " '" + value
				+ "' is not a host name such as login.example.com (no scheme, no path)");
		return value.trim();
	}

}
