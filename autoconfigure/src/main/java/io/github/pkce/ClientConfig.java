package io.github.pkce;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.github.pkce.loopback.LoopbackRedirect;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * What a native client needs to sign a user in: its client id, the redirect URI, scopes,
 * extra request parameters, and where the authorization server is (an issuer to discover,
 * or explicit endpoints). Immutable; create one with {@link #withClientId(String)}.
 *
 * @author pkce-spring-boot
 */
public final class ClientConfig {

	/**
	 * The default redirect URI: the IPv4 loopback literal on a port chosen at login (RFC
	 * 8252 section 7.3).
	 */
	public static final URI DEFAULT_REDIRECT_URI = URI.create("http://127.0.0.1:0/callback");

	/** The default time a login waits for the browser. */
	public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofMinutes(5);

	/** The default margin before expiry at which an access token is refreshed. */
	public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

	/**
	 * Parameters that the login sets itself and that extra parameters may not replace.
	 */
	static final Set<String> RESERVED_PARAMETERS = Set.of("response_type", "client_id", "redirect_uri", "state",
			"code_challenge", "code_challenge_method", "nonce", "code", "code_verifier", "grant_type", "refresh_token",
			"request_uri", "dpop_jkt");

	private final String clientId;

	private final @Nullable URI issuerUri;

	private final @Nullable ProviderMetadata providerMetadata;

	private final URI redirectUri;

	private final Set<String> scopes;

	private final @Nullable String audience;

	private final Map<String, String> authorizationParameters;

	private final Map<String, String> tokenParameters;

	private final Map<String, String> refreshParameters;

	private final boolean repeatAuthorizationParametersInTokenRequest;

	private final Duration loginTimeout;

	private final Duration clockSkew;

	private final @Nullable Provider provider;

	private final @Nullable String clientSecret;

	private final ClientAuthentication clientAuthentication;

	private final DpopMode dpop;

	private final ParMode par;

	private ClientConfig(Builder builder) {
		this.clientId = builder.clientId;
		this.issuerUri = builder.issuerUri;
		this.providerMetadata = builder.providerMetadata;
		this.redirectUri = builder.redirectUri;
		this.scopes = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(builder.scopes));
		this.audience = builder.audience;
		this.authorizationParameters = java.util.Collections
			.unmodifiableMap(new LinkedHashMap<>(builder.authorizationParameters));
		this.tokenParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.tokenParameters));
		this.refreshParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.refreshParameters));
		this.repeatAuthorizationParametersInTokenRequest = builder.repeatAuthorizationParametersInTokenRequest;
		this.loginTimeout = builder.loginTimeout;
		this.clockSkew = builder.clockSkew;
		this.provider = builder.provider;
		this.clientSecret = builder.clientSecret;
		this.clientAuthentication = builder.clientAuthentication;
		this.dpop = builder.dpop;
		this.par = builder.par;
	}

	/**
	 * Starts a configuration for the given client id.
	 * @param clientId the client id registered at the authorization server (RFC 6749
	 * section 2.2)
	 * @return a builder
	 */
	public static Builder withClientId(String clientId) {
		return new Builder(clientId);
	}

	/**
	 * Returns the client id.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

	/**
	 * Returns the issuer whose discovery document gives the endpoints.
	 * @return the issuer, or {@code null} when explicit endpoints are configured
	 */
	public @Nullable URI getIssuerUri() {
		return this.issuerUri;
	}

	/**
	 * Returns the explicitly configured endpoints.
	 * @return the endpoints, or {@code null} when they are discovered from the issuer
	 */
	public @Nullable ProviderMetadata getProviderMetadata() {
		return this.providerMetadata;
	}

	/**
	 * Returns the redirect URI: a loopback {@code http} URI; port 0 means a free port
	 * chosen at each login.
	 * @return the redirect URI
	 */
	public URI getRedirectUri() {
		return this.redirectUri;
	}

	/**
	 * Returns the scopes requested, in order.
	 * @return the scopes
	 */
	public Set<String> getScopes() {
		return this.scopes;
	}

	/**
	 * Returns the {@code audience} authorization parameter (for servers such as Auth0).
	 * @return the audience, or {@code null}
	 */
	public @Nullable String getAudience() {
		return this.audience;
	}

	/**
	 * Returns extra parameters of the authorization request.
	 * @return the parameters
	 */
	public Map<String, String> getAuthorizationParameters() {
		return this.authorizationParameters;
	}

	/**
	 * Returns extra parameters of the code exchange (token request).
	 * @return the parameters
	 */
	public Map<String, String> getTokenParameters() {
		return this.tokenParameters;
	}

	/**
	 * Returns extra parameters of the refresh request.
	 * @return the parameters
	 */
	public Map<String, String> getRefreshParameters() {
		return this.refreshParameters;
	}

	/**
	 * Whether the authorization request's {@code scope}, {@code audience} and extra
	 * parameters are sent again in the code exchange, as some servers require.
	 * @return whether the parameters are repeated
	 */
	public boolean isRepeatAuthorizationParametersInTokenRequest() {
		return this.repeatAuthorizationParametersInTokenRequest;
	}

	/**
	 * Returns how long a login waits for the browser's redirect.
	 * @return the login timeout
	 */
	public Duration getLoginTimeout() {
		return this.loginTimeout;
	}

	/**
	 * Returns the tolerated clock difference with the server: tokens are refreshed this
	 * long before they expire, and ID token times are checked with this margin.
	 * @return the clock skew
	 */
	public Duration getClockSkew() {
		return this.clockSkew;
	}

	/**
	 * Returns the identity provider whose deviations from the standards this
	 * configuration allows for, as set by {@link ProviderPresets}.
	 * @return the provider, or {@code null} for a server that follows the standards
	 */
	public @Nullable Provider getProvider() {
		return this.provider;
	}

	/**
	 * Whether the client has a secret, sent at the token endpoint as
	 * {@link #getClientAuthentication()} says.
	 * @return whether a client secret is configured
	 */
	public boolean hasClientSecret() {
		return this.clientSecret != null;
	}

	/**
	 * Returns how the client secret is sent, when there is one.
	 * @return the method; meaningless without a secret
	 */
	public ClientAuthentication getClientAuthentication() {
		return this.clientAuthentication;
	}

	/**
	 * Returns whether new logins bind their tokens to a key with DPoP (RFC 9449).
	 * @return the mode, {@link DpopMode#AUTO} by default
	 */
	public DpopMode getDpop() {
		return this.dpop;
	}

	/**
	 * Returns whether authorization requests are pushed (RFC 9126).
	 * @return the mode, {@link ParMode#AUTO} by default
	 */
	public ParMode getPar() {
		return this.par;
	}

	/**
	 * Returns the client secret, for the requests that authenticate the client; never
	 * shown.
	 * @return the secret, or {@code null} for a public client
	 */
	@Nullable String clientSecret() {
		return this.clientSecret;
	}

	@Override
	public String toString() {
		// the client secret is never shown, not even its length
		return "ClientConfig[clientId=" + this.clientId + ", issuerUri=" + this.issuerUri + ", redirectUri="
				+ this.redirectUri + ", scopes=" + this.scopes
				+ ((this.provider != null) ? ", provider=" + this.provider : "")
				+ ((this.clientSecret != null) ? ", clientSecret=[PROTECTED]" : "") + "]";
	}

	/**
	 * Builds a {@link ClientConfig}.
	 */
	public static final class Builder {

		private final String clientId;

		private @Nullable URI issuerUri;

		private @Nullable ProviderMetadata providerMetadata;

		private URI redirectUri = DEFAULT_REDIRECT_URI;

		private Set<String> scopes = new LinkedHashSet<>();

		private @Nullable String audience;

		private final Map<String, String> authorizationParameters = new LinkedHashMap<>();

		private final Map<String, String> tokenParameters = new LinkedHashMap<>();

		private final Map<String, String> refreshParameters = new LinkedHashMap<>();

		private boolean repeatAuthorizationParametersInTokenRequest;

		private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;

		private Duration clockSkew = DEFAULT_CLOCK_SKEW;

		private @Nullable Provider provider;

		private @Nullable String clientSecret;

		private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;

		private DpopMode dpop = DpopMode.AUTO;

		private ParMode par = ParMode.AUTO;

		private Builder(String clientId) {
			Assert.hasText(clientId, "clientId cannot be empty");
			this.clientId = clientId;
		}

		/**
		 * Sets the issuer; its endpoints are read from its discovery document at the
		 * first login.
		 * @param issuerUri the issuer identifier
		 * @return this builder
		 */
		public Builder issuerUri(URI issuerUri) {
			Assert.notNull(issuerUri, "issuerUri cannot be null");
			this.issuerUri = issuerUri;
			return this;
		}

		/**
		 * Sets explicit endpoints, used instead of discovery.
		 * @param providerMetadata the endpoints
		 * @return this builder
		 */
		public Builder providerMetadata(ProviderMetadata providerMetadata) {
			Assert.notNull(providerMetadata, "providerMetadata cannot be null");
			this.providerMetadata = providerMetadata;
			return this;
		}

		/**
		 * Sets the redirect URI: {@code http}, host {@code 127.0.0.1}, {@code [::1]} or
		 * {@code localhost}, port 0 for a free port at each login (RFC 8252 section 7.3).
		 * @param redirectUri the redirect URI
		 * @return this builder
		 */
		public Builder redirectUri(URI redirectUri) {
			Assert.notNull(redirectUri, "redirectUri cannot be null");
			this.redirectUri = redirectUri;
			return this;
		}

		/**
		 * Sets the scopes to request.
		 * @param scopes the scopes, such as {@code openid}
		 * @return this builder
		 */
		public Builder scopes(Collection<String> scopes) {
			Assert.notNull(scopes, "scopes cannot be null");
			this.scopes = new LinkedHashSet<>(scopes);
			return this;
		}

		/**
		 * Sets the scopes to request.
		 * @param scopes the scopes, such as {@code openid}
		 * @return this builder
		 */
		public Builder scopes(String... scopes) {
			return scopes(java.util.List.of(scopes));
		}

		/**
		 * Sets the {@code audience} authorization parameter.
		 * @param audience the audience
		 * @return this builder
		 */
		public Builder audience(@Nullable String audience) {
			this.audience = StringUtils.hasText(audience) ? audience : null;
			return this;
		}

		/**
		 * Adds extra parameters to the authorization request, replacing those of the same
		 * name; an empty value removes one (such as a parameter a {@link ProviderPresets
		 * preset} set).
		 * @param parameters the parameters
		 * @return this builder
		 */
		public Builder authorizationParameters(Map<String, String> parameters) {
			Assert.notNull(parameters, "parameters cannot be null");
			this.authorizationParameters.putAll(parameters);
			return this;
		}

		/**
		 * Adds extra parameters to the code exchange.
		 * @param parameters the parameters
		 * @return this builder
		 */
		public Builder tokenParameters(Map<String, String> parameters) {
			Assert.notNull(parameters, "parameters cannot be null");
			this.tokenParameters.putAll(parameters);
			return this;
		}

		/**
		 * Adds extra parameters to the refresh request.
		 * @param parameters the parameters
		 * @return this builder
		 */
		public Builder refreshParameters(Map<String, String> parameters) {
			Assert.notNull(parameters, "parameters cannot be null");
			this.refreshParameters.putAll(parameters);
			return this;
		}

		/**
		 * Sets whether to repeat the authorization request's parameters in the code
		 * exchange.
		 * @param repeat whether to repeat them (off by default)
		 * @return this builder
		 */
		public Builder repeatAuthorizationParametersInTokenRequest(boolean repeat) {
			this.repeatAuthorizationParametersInTokenRequest = repeat;
			return this;
		}

		/**
		 * Sets how long a login waits for the browser.
		 * @param loginTimeout a positive duration
		 * @return this builder
		 */
		public Builder loginTimeout(Duration loginTimeout) {
			Assert.notNull(loginTimeout, "loginTimeout cannot be null");
			this.loginTimeout = loginTimeout;
			return this;
		}

		/**
		 * Sets the tolerated clock difference with the server.
		 * @param clockSkew a duration of zero or more
		 * @return this builder
		 */
		public Builder clockSkew(Duration clockSkew) {
			Assert.notNull(clockSkew, "clockSkew cannot be null");
			this.clockSkew = clockSkew;
			return this;
		}

		/**
		 * Marks the configuration as being for a known identity provider, which turns on
		 * the checks that must bend for it (such as the Microsoft multi-tenant issuer).
		 * {@link ProviderPresets} sets it together with the provider's settings.
		 * @param provider the provider, or {@code null} for a server that follows the
		 * standards
		 * @return this builder
		 */
		public Builder provider(@Nullable Provider provider) {
			this.provider = provider;
			return this;
		}

		/**
		 * Sets the client secret, for providers that issue one even to installed programs
		 * (Google desktop clients, GitHub). Such a secret, shipped with the program,
		 * protects nothing: it is sent because the provider requires it. It is never
		 * logged nor shown by {@code toString()}.
		 * @param clientSecret the secret, or {@code null} or empty for a public client
		 * @return this builder
		 */
		public Builder clientSecret(@Nullable String clientSecret) {
			this.clientSecret = StringUtils.hasText(clientSecret) ? clientSecret : null;
			return this;
		}

		/**
		 * Sets how the client secret is sent (RFC 6749 section 2.3.1);
		 * {@link ClientAuthentication#CLIENT_SECRET_BASIC} by default, as every server
		 * must support it.
		 * @param clientAuthentication the method
		 * @return this builder
		 */
		public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
			Assert.notNull(clientAuthentication, "clientAuthentication cannot be null");
			this.clientAuthentication = clientAuthentication;
			return this;
		}

		/**
		 * Sets whether new logins bind their tokens to a key with DPoP (RFC 9449);
		 * {@link DpopMode#AUTO} by default. Credentials already bound to a key keep using
		 * it whatever this says.
		 * @param dpop the mode
		 * @return this builder
		 */
		public Builder dpop(DpopMode dpop) {
			Assert.notNull(dpop, "dpop cannot be null");
			this.dpop = dpop;
			return this;
		}

		/**
		 * Sets whether authorization requests are pushed to the server first (RFC 9126);
		 * {@link ParMode#AUTO} by default.
		 * @param par the mode
		 * @return this builder
		 */
		public Builder par(ParMode par) {
			Assert.notNull(par, "par cannot be null");
			this.par = par;
			return this;
		}

		/**
		 * Checks the configuration and builds it. A parameter with an empty value is left
		 * out (RFC 6749 section 3.1: a parameter sent without a value is treated as
		 * omitted), which removes one a preset set.
		 * @return the configuration
		 * @throws IllegalArgumentException with a message naming what to fix
		 */
		public ClientConfig build() {
			if (this.issuerUri == null && this.providerMetadata == null) {
				throw new IllegalArgumentException(
						"Neither an issuer URI nor explicit endpoints are configured: set the issuer URI of the "
								+ "authorization server, or its authorization and token endpoints");
			}
			if (this.issuerUri != null && !isHttpUri(this.issuerUri)) {
				throw new IllegalArgumentException("Issuer URI '" + this.issuerUri
						+ "' is not an absolute http(s) URI such as https://login.example.com");
			}
			String redirectProblem = LoopbackRedirect.problem(this.redirectUri);
			if (redirectProblem != null) {
				throw new IllegalArgumentException("Redirect URI '" + this.redirectUri + "' cannot be used: "
						+ redirectProblem + "; use http://127.0.0.1:0/callback (port 0 picks a free port), or "
						+ "http://[::1]:PORT/PATH or http://localhost:PORT/PATH if the authorization server requires it");
			}
			if (this.redirectUri.getPort() == -1) {
				// a redirect URI as registered (no port) means any port (RFC 8252 section
				// 7.3)
				this.redirectUri = URI.create("http://" + this.redirectUri.getRawAuthority() + ":0"
						+ ((this.redirectUri.getRawPath() != null) ? this.redirectUri.getRawPath() : ""));
			}
			if (this.loginTimeout.isNegative() || this.loginTimeout.isZero()) {
				throw new IllegalArgumentException("Login timeout must be positive, but was " + this.loginTimeout);
			}
			if (this.clockSkew.isNegative()) {
				throw new IllegalArgumentException("Clock skew must not be negative, but was " + this.clockSkew);
			}
			this.authorizationParameters.values().removeIf((value) -> !StringUtils.hasLength(value));
			this.tokenParameters.values().removeIf((value) -> !StringUtils.hasLength(value));
			this.refreshParameters.values().removeIf((value) -> !StringUtils.hasLength(value));
			checkNotReserved("authorization", this.authorizationParameters);
			checkNotReserved("token", this.tokenParameters);
			checkNotReserved("refresh", this.refreshParameters);
			return new ClientConfig(this);
		}

		private static boolean isHttpUri(URI uri) {
			return uri.isAbsolute()
					&& ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
					&& uri.getHost() != null;
		}

		private static void checkNotReserved(String request, Map<String, String> parameters) {
			for (String name : parameters.keySet()) {
				if (RESERVED_PARAMETERS.contains(name)) {
					throw new IllegalArgumentException("Extra " + request + " parameter '" + name
							+ "' cannot be set: the login sets it itself. Remove it from the configuration");
				}
			}
		}

	}

}
