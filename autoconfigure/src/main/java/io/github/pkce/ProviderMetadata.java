package io.github.pkce;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The endpoints and capabilities of an authorization server, either configured explicitly
 * or read from its discovery document (OpenID Connect Discovery 1.0, RFC 8414).
 * Immutable.
 *
 * @author pkce-spring-boot
 */
public final class ProviderMetadata {

	private final @Nullable String issuer;

	private final URI authorizationEndpoint;

	private final URI tokenEndpoint;

	private final @Nullable URI jwkSetUri;

	private final @Nullable URI revocationEndpoint;

	private final @Nullable URI deviceAuthorizationEndpoint;

	private final @Nullable URI userInfoEndpoint;

	private final boolean authorizationResponseIssParameterSupported;

	private final List<String> idTokenSigningAlgorithms;

	private final List<String> codeChallengeMethods;

	private final List<String> dpopSigningAlgorithms;

	private final @Nullable URI pushedAuthorizationRequestEndpoint;

	private final boolean requirePushedAuthorizationRequests;

	private ProviderMetadata(Builder builder) {
		Assert.notNull(builder.authorizationEndpoint, "authorizationEndpoint cannot be null");
		Assert.notNull(builder.tokenEndpoint, "tokenEndpoint cannot be null");
		this.issuer = builder.issuer;
		this.authorizationEndpoint = builder.authorizationEndpoint;
		this.tokenEndpoint = builder.tokenEndpoint;
		this.jwkSetUri = builder.jwkSetUri;
		this.revocationEndpoint = builder.revocationEndpoint;
		this.deviceAuthorizationEndpoint = builder.deviceAuthorizationEndpoint;
		this.userInfoEndpoint = builder.userInfoEndpoint;
		this.authorizationResponseIssParameterSupported = builder.authorizationResponseIssParameterSupported;
		this.idTokenSigningAlgorithms = List.copyOf(builder.idTokenSigningAlgorithms);
		this.codeChallengeMethods = List.copyOf(builder.codeChallengeMethods);
		this.dpopSigningAlgorithms = List.copyOf(builder.dpopSigningAlgorithms);
		this.pushedAuthorizationRequestEndpoint = builder.pushedAuthorizationRequestEndpoint;
		this.requirePushedAuthorizationRequests = builder.requirePushedAuthorizationRequests;
	}

	/**
	 * Starts metadata with the two endpoints every authorization code login needs.
	 * @param authorizationEndpoint the authorization endpoint (RFC 6749 section 3.1)
	 * @param tokenEndpoint the token endpoint (RFC 6749 section 3.2)
	 * @return a builder
	 */
	public static Builder withEndpoints(URI authorizationEndpoint, URI tokenEndpoint) {
		Assert.notNull(authorizationEndpoint, "authorizationEndpoint cannot be null");
		Assert.notNull(tokenEndpoint, "tokenEndpoint cannot be null");
		return new Builder(authorizationEndpoint, tokenEndpoint);
	}

	/**
	 * Returns the issuer identifier, against which ID tokens and RFC 9207 {@code iss} are
	 * checked.
	 * @return the issuer, or {@code null} when configured without one
	 */
	public @Nullable String getIssuer() {
		return this.issuer;
	}

	/**
	 * Returns the authorization endpoint.
	 * @return the authorization endpoint
	 */
	public URI getAuthorizationEndpoint() {
		return this.authorizationEndpoint;
	}

	/**
	 * Returns the token endpoint.
	 * @return the token endpoint
	 */
	public URI getTokenEndpoint() {
		return this.tokenEndpoint;
	}

	/**
	 * Returns the JWK set URI used to verify ID token signatures.
	 * @return the JWK set URI, or {@code null}
	 */
	public @Nullable URI getJwkSetUri() {
		return this.jwkSetUri;
	}

	/**
	 * Returns the token revocation endpoint (RFC 7009).
	 * @return the revocation endpoint, or {@code null}
	 */
	public @Nullable URI getRevocationEndpoint() {
		return this.revocationEndpoint;
	}

	/**
	 * Returns the device authorization endpoint (RFC 8628).
	 * @return the device authorization endpoint, or {@code null}
	 */
	public @Nullable URI getDeviceAuthorizationEndpoint() {
		return this.deviceAuthorizationEndpoint;
	}

	/**
	 * Returns the OpenID Connect userinfo endpoint.
	 * @return the userinfo endpoint, or {@code null}
	 */
	public @Nullable URI getUserInfoEndpoint() {
		return this.userInfoEndpoint;
	}

	/**
	 * Whether the server sends {@code iss} in every authorization response (RFC 9207
	 * section 3), which makes the parameter mandatory.
	 * @return whether {@code iss} is required in the authorization response
	 */
	public boolean isAuthorizationResponseIssParameterSupported() {
		return this.authorizationResponseIssParameterSupported;
	}

	/**
	 * Returns the JWS algorithms the server signs ID tokens with.
	 * @return the algorithms, empty when unknown (RS256 is then assumed)
	 */
	public List<String> getIdTokenSigningAlgorithms() {
		return this.idTokenSigningAlgorithms;
	}

	/**
	 * Returns the PKCE code challenge methods the server advertises (RFC 8414 section 2).
	 * @return the methods, empty when not advertised
	 */
	public List<String> getCodeChallengeMethods() {
		return this.codeChallengeMethods;
	}

	/**
	 * Returns the JWS algorithms the server accepts in DPoP proofs
	 * ({@code dpop_signing_alg_values_supported}, RFC 9449 section 5.1).
	 * @return the algorithms, empty when the server does not advertise DPoP
	 */
	public List<String> getDpopSigningAlgorithms() {
		return this.dpopSigningAlgorithms;
	}

	/**
	 * Returns the pushed authorization request endpoint
	 * ({@code pushed_authorization_request_endpoint}, RFC 9126 section 5).
	 * @return the endpoint, or {@code null} when the server has none
	 */
	public @Nullable URI getPushedAuthorizationRequestEndpoint() {
		return this.pushedAuthorizationRequestEndpoint;
	}

	/**
	 * Returns whether the server accepts authorization requests only through its pushed
	 * authorization request endpoint ({@code require_pushed_authorization_requests}, RFC
	 * 9126 section 5).
	 * @return whether pushed authorization requests are required
	 */
	public boolean isRequirePushedAuthorizationRequests() {
		return this.requirePushedAuthorizationRequests;
	}

	@Override
	public String toString() {
		return "ProviderMetadata[issuer=" + this.issuer + ", authorizationEndpoint=" + this.authorizationEndpoint
				+ ", tokenEndpoint=" + this.tokenEndpoint + "]";
	}

	/**
	 * Builds {@link ProviderMetadata}.
	 */
	public static final class Builder {

		private @Nullable String issuer;

		private final URI authorizationEndpoint;

		private final URI tokenEndpoint;

		private @Nullable URI jwkSetUri;

		private @Nullable URI revocationEndpoint;

		private @Nullable URI deviceAuthorizationEndpoint;

		private @Nullable URI userInfoEndpoint;

		private boolean authorizationResponseIssParameterSupported;

		private List<String> idTokenSigningAlgorithms = List.of();

		private List<String> codeChallengeMethods = List.of();

		private List<String> dpopSigningAlgorithms = List.of();

		private @Nullable URI pushedAuthorizationRequestEndpoint;

		private boolean requirePushedAuthorizationRequests;

		private Builder(URI authorizationEndpoint, URI tokenEndpoint) {
			this.authorizationEndpoint = authorizationEndpoint;
			this.tokenEndpoint = tokenEndpoint;
		}

		/**
		 * Sets the issuer identifier.
		 * @param issuer the issuer
		 * @return this builder
		 */
		public Builder issuer(@Nullable String issuer) {
			this.issuer = issuer;
			return this;
		}

		/**
		 * Sets the JWK set URI.
		 * @param jwkSetUri the JWK set URI
		 * @return this builder
		 */
		public Builder jwkSetUri(@Nullable URI jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
			return this;
		}

		/**
		 * Sets the revocation endpoint.
		 * @param revocationEndpoint the revocation endpoint
		 * @return this builder
		 */
		public Builder revocationEndpoint(@Nullable URI revocationEndpoint) {
			this.revocationEndpoint = revocationEndpoint;
			return this;
		}

		/**
		 * Sets the device authorization endpoint.
		 * @param deviceAuthorizationEndpoint the device authorization endpoint
		 * @return this builder
		 */
		public Builder deviceAuthorizationEndpoint(@Nullable URI deviceAuthorizationEndpoint) {
			this.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint;
			return this;
		}

		/**
		 * Sets the userinfo endpoint.
		 * @param userInfoEndpoint the userinfo endpoint
		 * @return this builder
		 */
		public Builder userInfoEndpoint(@Nullable URI userInfoEndpoint) {
			this.userInfoEndpoint = userInfoEndpoint;
			return this;
		}

		/**
		 * Sets whether the server always sends {@code iss} in authorization responses
		 * (RFC 9207).
		 * @param supported whether {@code iss} is sent
		 * @return this builder
		 */
		public Builder authorizationResponseIssParameterSupported(boolean supported) {
			this.authorizationResponseIssParameterSupported = supported;
			return this;
		}

		/**
		 * Sets the ID token signing algorithms.
		 * @param algorithms JWS algorithm names such as {@code RS256}
		 * @return this builder
		 */
		public Builder idTokenSigningAlgorithms(List<String> algorithms) {
			Assert.notNull(algorithms, "algorithms cannot be null");
			this.idTokenSigningAlgorithms = algorithms;
			return this;
		}

		/**
		 * Sets the advertised PKCE code challenge methods.
		 * @param methods method names such as {@code S256}
		 * @return this builder
		 */
		public Builder codeChallengeMethods(List<String> methods) {
			Assert.notNull(methods, "methods cannot be null");
			this.codeChallengeMethods = methods;
			return this;
		}

		/**
		 * Sets the JWS algorithms the server accepts in DPoP proofs (RFC 9449 section
		 * 5.1); an empty list means the server does not advertise DPoP.
		 * @param algorithms JWS algorithm names such as {@code ES256}
		 * @return this builder
		 */
		public Builder dpopSigningAlgorithms(List<String> algorithms) {
			Assert.notNull(algorithms, "algorithms cannot be null");
			this.dpopSigningAlgorithms = algorithms;
			return this;
		}

		/**
		 * Sets the pushed authorization request endpoint (RFC 9126).
		 * @param endpoint the endpoint, or {@code null} for none
		 * @return this builder
		 */
		public Builder pushedAuthorizationRequestEndpoint(@Nullable URI endpoint) {
			this.pushedAuthorizationRequestEndpoint = endpoint;
			return this;
		}

		/**
		 * Sets whether the server accepts authorization requests only when pushed (RFC
		 * 9126 section 5).
		 * @param required whether pushed authorization requests are required
		 * @return this builder
		 */
		public Builder requirePushedAuthorizationRequests(boolean required) {
			this.requirePushedAuthorizationRequests = required;
			return this;
		}

		/**
		 * Builds the metadata.
		 * @return the metadata
		 */
		public ProviderMetadata build() {
			return new ProviderMetadata(this);
		}

	}

}
