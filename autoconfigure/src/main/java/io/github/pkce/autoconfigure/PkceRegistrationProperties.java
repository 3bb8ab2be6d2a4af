package io.github.pkce.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pkce.ClientAuthentication;
import io.github.pkce.DpopMode;
import io.github.pkce.ParMode;
import io.github.pkce.ClientConfig;
import io.github.pkce.Provider;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one client registration: where the authorization server is, the client,
 * and the service the tokens are for. {@link PkceProperties} holds the default
 * registration in this form, and named ones under {@code auth.pkce.registrations.<name>}.
 *
 * @author pkce-spring-boot
 */
public class PkceRegistrationProperties {

	/**
	 * Identity provider whose settings and quirks to apply (google, microsoft, auth0,
	 * okta, keycloak, github); none by default, and each property set here overrides the
	 * provider's value.
	 */
	private @Nullable Provider provider;

	/**
	 * Microsoft Entra tenant with provider microsoft: common (the default),
	 * organizations, consumers, a tenant id or a tenant domain.
	 */
	private @Nullable String tenant;

	/**
	 * Host of the provider: the Auth0 or Okta domain, the Keycloak server (with realm),
	 * or a GitHub Enterprise Server.
	 */
	private @Nullable String domain;

	/**
	 * Keycloak realm with provider keycloak, whose issuer is then
	 * https://{domain}/realms/{realm}.
	 */
	private @Nullable String realm;

	/**
	 * Issuer URI of the authorization server, whose endpoints are read from its discovery
	 * document at the first login.
	 */
	private @Nullable URI issuerUri;

	/**
	 * Authorization endpoint, set together with token-uri instead of discovery.
	 */
	private @Nullable URI authorizationUri;

	/**
	 * Token endpoint, set together with authorization-uri instead of discovery.
	 */
	private @Nullable URI tokenUri;

	/**
	 * JWK set URI that verifies ID token signatures, with explicit endpoints.
	 */
	private @Nullable URI jwkSetUri;

	/**
	 * Token revocation endpoint (RFC 7009), with explicit endpoints.
	 */
	private @Nullable URI revocationUri;

	/**
	 * Device authorization endpoint (RFC 8628), with explicit endpoints.
	 */
	private @Nullable URI deviceAuthorizationUri;

	/**
	 * Userinfo endpoint from which auth status reads the user when there is no ID token
	 * (GitHub's GET /user), with explicit endpoints.
	 */
	private @Nullable URI userInfoUri;

	/**
	 * Client id of the public client registered for this program at the authorization
	 * server.
	 */
	private @Nullable String clientId;

	/**
	 * Client secret, for providers that issue one even to installed programs (Google
	 * desktop clients, GitHub); shipped inside a program it is not a secret, and it is
	 * never logged.
	 */
	private @Nullable String clientSecret;

	/**
	 * How the client secret is sent: client_secret_basic or client_secret_post; by
	 * default the way the provider expects, else client_secret_basic.
	 */
	private @Nullable ClientAuthentication clientAuthenticationMethod;

	/**
	 * Whether new logins bind their tokens to a key of this program with DPoP (RFC 9449),
	 * so that a leaked token is useless without the key: auto (when the server advertises
	 * ES256 in dpop_signing_alg_values_supported), always (fail when it does not), or
	 * never.
	 */
	private DpopMode dpop = DpopMode.AUTO;

	/**
	 * Whether the authorization request is pushed to the server first (RFC 9126), so the
	 * browser receives only the client id and a request_uri: auto (when the server has a
	 * pushed_authorization_request_endpoint), always (fail when it has none), or never.
	 */
	private ParMode par = ParMode.AUTO;

	/**
	 * Loopback redirect URI, where port 0 picks a free port at each login (RFC 8252);
	 * left at its default, the provider's applies (http://localhost:0/ for microsoft).
	 */
	private URI redirectUri = ClientConfig.DEFAULT_REDIRECT_URI;

	/**
	 * Scopes to request, such as openid to receive an ID token.
	 */
	private List<String> scopes = new ArrayList<>();

	/**
	 * Audience parameter of the authorization request, for servers that need one.
	 */
	private @Nullable String audience;

	/**
	 * Extra parameters of the authorization request.
	 */
	private Map<String, String> authorizationParameters = new LinkedHashMap<>();

	/**
	 * Extra parameters of the token request that exchanges the code.
	 */
	private Map<String, String> tokenParameters = new LinkedHashMap<>();

	/**
	 * Extra parameters of the refresh request.
	 */
	private Map<String, String> refreshParameters = new LinkedHashMap<>();

	/**
	 * Whether scope, audience and the extra authorization parameters are sent again in
	 * the token request, as some servers require.
	 */
	private boolean repeatAuthorizationParametersInTokenRequest;

	/**
	 * URI of the service the tokens are for: its origin receives them, and it is part of
	 * the key under which they are stored.
	 */
	private @Nullable URI endpoint;

	/**
	 * Other origins, such as https://files.example.com, that also receive the token.
	 */
	private List<URI> additionalOrigins = new ArrayList<>();

	/**
	 * Name of the request header that carries the bearer token.
	 */
	private String headerName = "Authorization";

	/**
	 * Login settings.
	 */
	private final Login login = new Login();

	/**
	 * Refresh settings.
	 */
	private final Refresh refresh = new Refresh();

	public @Nullable Provider getProvider() {
		return this.provider;
	}

	public void setProvider(@Nullable Provider provider) {
		this.provider = provider;
	}

	public @Nullable String getTenant() {
		return this.tenant;
	}

	public void setTenant(@Nullable String tenant) {
		this.tenant = tenant;
	}

	public @Nullable String getDomain() {
		return this.domain;
	}

	public void setDomain(@Nullable String domain) {
		this.domain = domain;
	}

	public @Nullable String getRealm() {
		return this.realm;
	}

	public void setRealm(@Nullable String realm) {
		this.realm = realm;
	}

	public @Nullable URI getIssuerUri() {
		return this.issuerUri;
	}

	public void setIssuerUri(@Nullable URI issuerUri) {
		this.issuerUri = issuerUri;
	}

	public @Nullable URI getAuthorizationUri() {
		return this.authorizationUri;
	}

	public void setAuthorizationUri(@Nullable URI authorizationUri) {
		this.authorizationUri = authorizationUri;
	}

	public @Nullable URI getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(@Nullable URI tokenUri) {
		this.tokenUri = tokenUri;
	}

	public @Nullable URI getJwkSetUri() {
		return this.jwkSetUri;
	}

	public void setJwkSetUri(@Nullable URI jwkSetUri) {
		this.jwkSetUri = jwkSetUri;
	}

	public @Nullable URI getRevocationUri() {
		return this.revocationUri;
	}

	public void setRevocationUri(@Nullable URI revocationUri) {
		this.revocationUri = revocationUri;
	}

	public @Nullable URI getDeviceAuthorizationUri() {
		return this.deviceAuthorizationUri;
	}

	public void setDeviceAuthorizationUri(@Nullable URI deviceAuthorizationUri) {
		this.deviceAuthorizationUri = deviceAuthorizationUri;
	}

	public @Nullable URI getUserInfoUri() {
		return this.userInfoUri;
	}

	public void setUserInfoUri(@Nullable URI userInfoUri) {
		this.userInfoUri = userInfoUri;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(@Nullable String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public @Nullable ClientAuthentication getClientAuthenticationMethod() {
		return this.clientAuthenticationMethod;
	}

	public void setClientAuthenticationMethod(@Nullable ClientAuthentication clientAuthenticationMethod) {
		this.clientAuthenticationMethod = clientAuthenticationMethod;
	}

	public DpopMode getDpop() {
		return this.dpop;
	}

	public void setDpop(DpopMode dpop) {
		this.dpop = dpop;
	}

	public ParMode getPar() {
		return this.par;
	}

	public void setPar(ParMode par) {
		this.par = par;
	}

	public URI getRedirectUri() {
		return this.redirectUri;
	}

	public void setRedirectUri(URI redirectUri) {
		this.redirectUri = redirectUri;
	}

	public List<String> getScopes() {
		return this.scopes;
	}

	public void setScopes(List<String> scopes) {
		this.scopes = scopes;
	}

	public @Nullable String getAudience() {
		return this.audience;
	}

	public void setAudience(@Nullable String audience) {
		this.audience = audience;
	}

	public Map<String, String> getAuthorizationParameters() {
		return this.authorizationParameters;
	}

	public void setAuthorizationParameters(Map<String, String> authorizationParameters) {
		this.authorizationParameters = authorizationParameters;
	}

	public Map<String, String> getTokenParameters() {
		return this.tokenParameters;
	}

	public void setTokenParameters(Map<String, String> tokenParameters) {
		this.tokenParameters = tokenParameters;
	}

	public Map<String, String> getRefreshParameters() {
		return this.refreshParameters;
	}

	public void setRefreshParameters(Map<String, String> refreshParameters) {
		this.refreshParameters = refreshParameters;
	}

	public boolean isRepeatAuthorizationParametersInTokenRequest() {
		return this.repeatAuthorizationParametersInTokenRequest;
	}

	public void setRepeatAuthorizationParametersInTokenRequest(boolean repeatAuthorizationParametersInTokenRequest) {
		this.repeatAuthorizationParametersInTokenRequest = repeatAuthorizationParametersInTokenRequest;
	}

	public @Nullable URI getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(@Nullable URI endpoint) {
		this.endpoint = endpoint;
	}

	public List<URI> getAdditionalOrigins() {
		return this.additionalOrigins;
	}

	public void setAdditionalOrigins(List<URI> additionalOrigins) {
		this.additionalOrigins = additionalOrigins;
	}

	public String getHeaderName() {
		return this.headerName;
	}

	public void setHeaderName(String headerName) {
		this.headerName = headerName;
	}

	public Login getLogin() {
		return this.login;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	/**
	 * Login settings of a registration.
	 */
	public static class Login {

		/**
		 * How long a login waits for the browser to come back.
		 */
		private Duration timeout = Duration.ofMinutes(5);

		/**
		 * Whether asking for credentials when the user is not signed in (or the refresh
		 * token is dead) starts a browser login, rather than failing with advice to sign
		 * in.
		 */
		private boolean onDemand = true;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isOnDemand() {
			return this.onDemand;
		}

		public void setOnDemand(boolean onDemand) {
			this.onDemand = onDemand;
		}

	}

	/**
	 * Refresh settings of a registration.
	 */
	public static class Refresh {

		/**
		 * Tolerated clock difference with the server: tokens are refreshed this long
		 * before they expire.
		 */
		private Duration clockSkew = Duration.ofSeconds(60);

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

}
