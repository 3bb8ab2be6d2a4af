package io.github.pkce.test.server;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadataClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The embedded authorization server: Spring Authorization Server with a public client
 * (PKCE required, loopback redirect URIs on any port), OpenID Connect, refresh tokens for
 * the public client, the device grant, optionally pushed authorization requests, DPoP,
 * form login with in-memory users, and a protected resource at {@code /api/me} that takes
 * Bearer and DPoP-bound tokens.
 * <p>
 * Only the auto-configurations listed here are applied, so that nothing from the class
 * path of the application under test (a data source, a shell, this library's own
 * auto-configuration) leaks into the server.
 *
 * @author pkce-spring-boot
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
		DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
		HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class, ErrorMvcAutoConfiguration.class,
		SecurityFilterAutoConfiguration.class })
@Import(EmbeddedServerController.class)
class AuthorizationServerConfiguration {

	/**
	 * Loopback redirect URIs without a port: Spring Authorization Server accepts any port
	 * on them (RFC 8252 section 7.3).
	 */
	static final List<String> REDIRECT_URIS = List.of("http://127.0.0.1/callback", "http://[::1]/callback");

	/** The bean name of the {@link RequestCounter} of the token endpoint. */
	static final String TOKEN_REQUESTS = "tokenRequestCounter";

	/**
	 * The bean name of the {@link RequestCounter} of the pushed authorization request
	 * endpoint.
	 */
	static final String PUSHED_AUTHORIZATION_REQUESTS = "pushedAuthorizationRequestCounter";

	private static final String LOGIN_PAGE = "/login";

	/** RFC 9126 section 5; Spring Authorization Server has no constant for it. */
	private static final String REQUIRE_PUSHED_AUTHORIZATION_REQUESTS = "require_pushed_authorization_requests";

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http, EmbeddedServerOptions options,
			RegisteredClientRepository registeredClients, OAuth2AuthorizationService authorizations,
			JWKSource<SecurityContext> jwkSource, AuthorizationServerSettings settings) {
		OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
		Set<String> grantlessEndpoints = new HashSet<>(
				Set.of(settings.getDeviceAuthorizationEndpoint(), settings.getTokenRevocationEndpoint()));
		if (options.pushedAuthorizationRequests()) {
			grantlessEndpoints.add(settings.getPushedAuthorizationRequestEndpoint());
		}
		http.securityMatcher(authorizationServer.getEndpointsMatcher()).with(authorizationServer, (server) -> {
			server.registeredClientRepository(registeredClients)
				.authorizationService(authorizations)
				.tokenGenerator(tokenGenerator(jwkSource))
				.clientAuthentication((clientAuthentication) -> clientAuthentication
					.authenticationConverter(new PublicClientAuthenticationConverter(grantlessEndpoints))
					.authenticationProvider(new PublicClientAuthenticationProvider(registeredClients)))
				.authorizationServerMetadataEndpoint((metadata) -> metadata.authorizationServerMetadataCustomizer(
						(builder) -> builder.claims((claims) -> customizeMetadata(claims, options))))
				.oidc((oidc) -> oidc
					.providerConfigurationEndpoint((configuration) -> configuration.providerConfigurationCustomizer(
							(builder) -> builder.claims((claims) -> customizeMetadata(claims, options)))));
			if (options.deviceGrant()) {
				server
					.deviceAuthorizationEndpoint((deviceAuthorization) -> deviceAuthorization
						.verificationUri(EmbeddedServerController.DEVICE_ENTRY_PATH))
					.deviceVerificationEndpoint(Customizer.withDefaults());
			}
			if (options.dpop()) {
				server.tokenEndpoint((token) -> token.authenticationProviders((providers) -> providers
					.replaceAll((provider) -> (provider instanceof OAuth2RefreshTokenAuthenticationProvider refreshing)
							? new DPoPBoundRefreshTokenProvider(refreshing, authorizations) : provider)));
			}
			if (options.pushedAuthorizationRequests()) {
				server.pushedAuthorizationRequestEndpoint((pushedAuthorization) -> pushedAuthorization
					.authenticationProviders((providers) -> providers.replaceAll((provider) -> {
						if (provider instanceof OAuth2PushedAuthorizationRequestAuthenticationProvider pushing) {
							return new PushedAuthorizationRequestLifetimeProvider(pushing, authorizations,
									options.pushedAuthorizationRequestLifetime());
						}
						return provider;
					})));
			}
			if (options.requirePushedAuthorizationRequests()) {
				server.authorizationEndpoint((authorization) -> authorization.authorizationRequestConverters(
						(converters) -> converters.add(0, new PushedAuthorizationRequestEnforcer())));
			}
		})
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
					new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE),
					new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain resourceSecurityFilterChain(HttpSecurity http) {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain loginSecurityFilterChain(HttpSecurity http) {
		http.authorizeHttpRequests(
				(requests) -> requests.requestMatchers("/error").permitAll().anyRequest().authenticated())
			.formLogin(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(EmbeddedServerOptions options) {
		RegisteredClient.Builder client = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(options.clientId())
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.redirectUris((uris) -> uris.addAll(REDIRECT_URIS))
			.scopes((scopes) -> scopes.addAll(options.scopes()))
			.clientSettings(ClientSettings.builder()
				.requireProofKey(true)
				.requireAuthorizationConsent(options.requireConsent())
				.build())
			.tokenSettings(TokenSettings.builder()
				.accessTokenTimeToLive(options.accessTokenTimeToLive())
				.refreshTokenTimeToLive(options.refreshTokenTimeToLive())
				.reuseRefreshTokens(!options.rotateRefreshTokens())
				.build());
		if (options.deviceGrant()) {
			client.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE);
		}
		return new InMemoryRegisteredClientRepository(client.build());
	}

	@Bean
	OAuth2AuthorizationService authorizationService() {
		return new InMemoryOAuth2AuthorizationService();
	}

	@Bean
	UserDetailsService userDetailsService(EmbeddedServerOptions options) {
		List<UserDetails> users = options.users()
			.entrySet()
			.stream()
			.map((user) -> User.withUsername(user.getKey()).password("{noop}" + user.getValue()).roles("USER").build())
			.toList();
		return new InMemoryUserDetailsManager(users);
	}

	@Bean
	JWKSource<SecurityContext> jwkSource() {
		KeyPair keyPair = generateRsaKey();
		RSAKey rsaKey = new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
			.privateKey((RSAPrivateKey) keyPair.getPrivate())
			.keyID(UUID.randomUUID().toString())
			.build();
		return new ImmutableJWKSet<>(new JWKSet(rsaKey));
	}

	@Bean
	JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource, LocalIssuer issuer) {
		NimbusJwtDecoder decoder = (NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
		OAuth2TokenValidator<Jwt> issuerValidator = (jwt) -> {
			String expected = issuer.get();
			if (expected != null && jwt.getIssuer() != null && expected.equals(jwt.getIssuer().toString())) {
				return OAuth2TokenValidatorResult.success();
			}
			return OAuth2TokenValidatorResult
				.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The iss claim is not valid", null));
		};
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(), issuerValidator));
		return decoder;
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build();
	}

	@Bean
	LocalIssuer localIssuer() {
		return new LocalIssuer();
	}

	@Bean(TOKEN_REQUESTS)
	RequestCounter tokenRequestCounter() {
		return new RequestCounter();
	}

	@Bean
	FilterRegistrationBean<RequestCounter> tokenRequestCounterRegistration(
			@Qualifier(TOKEN_REQUESTS) RequestCounter counter, AuthorizationServerSettings settings) {
		return counting(counter, settings.getTokenEndpoint());
	}

	@Bean(PUSHED_AUTHORIZATION_REQUESTS)
	RequestCounter pushedAuthorizationRequestCounter() {
		return new RequestCounter();
	}

	@Bean
	FilterRegistrationBean<RequestCounter> pushedAuthorizationRequestCounterRegistration(
			@Qualifier(PUSHED_AUTHORIZATION_REQUESTS) RequestCounter counter, AuthorizationServerSettings settings) {
		return counting(counter, settings.getPushedAuthorizationRequestEndpoint());
	}

	@Bean
	FilterRegistrationBean<DPoPProofIgnoringFilter> dPoPProofIgnoringFilterRegistration(EmbeddedServerOptions options,
			AuthorizationServerSettings settings) {
		FilterRegistrationBean<DPoPProofIgnoringFilter> registration = new FilterRegistrationBean<>(
				new DPoPProofIgnoringFilter());
		registration.addUrlPatterns(settings.getTokenEndpoint());
		// After the counter, which records the proof the client sent.
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		registration.setEnabled(!options.dpop());
		return registration;
	}

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> loopbackHostCustomizer() {
		// The issuer is derived from each request; a fixed host name keeps it stable.
		return (factory) -> factory.addConnectorCustomizers((connector) -> connector.setProxyName(LocalIssuer.HOST));
	}

	// Ahead of every other filter, so that it sees each request as the client sent it
	private static FilterRegistrationBean<RequestCounter> counting(RequestCounter counter, String endpoint) {
		FilterRegistrationBean<RequestCounter> registration = new FilterRegistrationBean<>(counter);
		registration.addUrlPatterns(endpoint);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	private static OAuth2TokenGenerator<? extends OAuth2Token> tokenGenerator(JWKSource<SecurityContext> jwkSource) {
		JwtGenerator jwtGenerator = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
		jwtGenerator.setJwtCustomizer((context) -> {
			if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
				context.getClaims().claim("preferred_username", context.getPrincipal().getName());
			}
			// This customizer replaces the server's default one, which is where it binds
			// an access token to the key of the token request's DPoP proof (RFC 9449
			// section 6.1); the token_type of the response follows from this claim.
			Jwt proof = context.get(OAuth2TokenContext.DPOP_PROOF_KEY);
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) && proof != null) {
				context.getClaims().claim("cnf", Map.of("jkt", thumbprint(proof)));
			}
		});
		return new DelegatingOAuth2TokenGenerator(jwtGenerator, new OAuth2AccessTokenGenerator(),
				new PublicClientRefreshTokenGenerator());
	}

	/**
	 * Adjusts both discovery documents (RFC 8414 section 2, OpenID Connect Discovery
	 * section 3) to the options.
	 * @param metadata the members of the document
	 * @param options the server's settings
	 */
	private static void customizeMetadata(Map<String, Object> metadata, EmbeddedServerOptions options) {
		if (!options.dpop()) {
			metadata.remove(OAuth2AuthorizationServerMetadataClaimNames.DPOP_SIGNING_ALG_VALUES_SUPPORTED);
		}
		if (options.pushedAuthorizationRequests()) {
			// The server itself only advertises it in the OAuth metadata.
			AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
			metadata.put(OAuth2AuthorizationServerMetadataClaimNames.PUSHED_AUTHORIZATION_REQUEST_ENDPOINT,
					UriComponentsBuilder.fromUriString(context.getIssuer())
						.path(context.getAuthorizationServerSettings().getPushedAuthorizationRequestEndpoint())
						.build()
						.toUriString());
		}
		if (options.requirePushedAuthorizationRequests()) {
			metadata.put(REQUIRE_PUSHED_AUTHORIZATION_REQUESTS, true);
		}
	}

	private static String thumbprint(Jwt proof) {
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> jwk = (Map<String, Object>) proof.getHeaders().get("jwk");
			return JWK.parse(jwk).computeThumbprint().toString();
		}
		catch (Exception ex) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF, "The jwk header is missing or invalid", null),
					ex);
		}
	}

	private static KeyPair generateRsaKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("RSA key generation is not available", ex);
		}
	}

}
