package io.github.pkce;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.converter.Converter;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * ID token decoders that fetch the JWK set with our {@link RestClient} (so TLS and proxy
 * settings apply) and check the signature, {@code iss}, {@code aud}, {@code azp},
 * {@code exp} and {@code iat} (OpenID Connect Core section 3.1.3.7). The nonce is checked
 * by Spring Security's {@code OidcAuthorizationCodeAuthenticationProvider}. One decoder,
 * and one JWK cache, per JWK set URI.
 *
 * @author pkce-spring-boot
 */
final class IdTokenDecoders implements JwtDecoderFactory<ClientRegistration> {

	private final RestClient restClient;

	private final Duration clockSkew;

	private final Clock clock;

	private final List<String> algorithms;

	private final @Nullable Provider provider;

	private final Map<String, JWKSource<SecurityContext>> jwkSources = new ConcurrentHashMap<>();

	IdTokenDecoders(RestClient restClient, Duration clockSkew, Clock clock, List<String> algorithms,
			@Nullable Provider provider) {
		this.restClient = restClient;
		this.clockSkew = clockSkew;
		this.clock = clock;
		this.algorithms = algorithms.isEmpty() ? List.of("RS256") : algorithms;
		this.provider = provider;
	}

	@Override
	public JwtDecoder createDecoder(ClientRegistration registration) {
		String jwkSetUri = registration.getProviderDetails().getJwkSetUri();
		if (jwkSetUri == null || jwkSetUri.isEmpty()) {
			OAuth2Error error = new OAuth2Error("invalid_id_token",
					"No JWK set URI is configured, so the ID token's signature cannot be verified", null);
			throw new OAuth2AuthenticationException(error, error.toString());
		}
		JWKSource<SecurityContext> jwkSource = this.jwkSources.computeIfAbsent(jwkSetUri, this::jwkSource);
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(jwkSource).jwsAlgorithms((algorithms) -> {
			for (String name : this.algorithms) {
				SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
				if (algorithm != null) {
					algorithms.add(algorithm);
				}
			}
		}).build();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(this.clockSkew);
		timestamps.setClock(this.clock);
		String issuer = registration.getProviderDetails().getIssuerUri();
		boolean ownIssuerCheck = this.provider == Provider.MICROSOFT && issuer != null;
		// Microsoft's multi-tenant issuer cannot be compared byte for byte: Spring
		// Security's check is left out (it skips a registration without an issuer) and
		// ours compares with the issuer of the token's own tenant
		OidcIdTokenValidator claims = new OidcIdTokenValidator(ownIssuerCheck
				? ClientRegistration.withClientRegistration(registration).issuerUri(null).build() : registration);
		claims.setClockSkew(this.clockSkew);
		claims.setClock(this.clock);
		decoder.setJwtValidator(ownIssuerCheck
				? new DelegatingOAuth2TokenValidator<>(timestamps, claims, new TenantIssuerValidator(issuer))
				: new DelegatingOAuth2TokenValidator<>(timestamps, claims));
		Converter<Map<String, Object>, Map<String, Object>> claimTypes = OidcIdTokenDecoderFactory
			.createDefaultClaimTypeConverter();
		decoder.setClaimSetConverter((this.provider == Provider.GOOGLE && issuer != null)
				? new SchemelessIssuerConverter(issuer, claimTypes) : claimTypes);
		return decoder;
	}

	/**
	 * Checks a Microsoft ID token's {@code iss} against the issuer of the tenant named by
	 * its {@code tid} claim.
	 */
	private static final class TenantIssuerValidator implements OAuth2TokenValidator<Jwt> {

		private final String issuer;

		TenantIssuerValidator(String issuer) {
			this.issuer = issuer;
		}

		@Override
		public OAuth2TokenValidatorResult validate(Jwt token) {
			String tenantId = token.getClaimAsString("tid");
			String expected = Issuers.idTokenIssuer(Provider.MICROSOFT, this.issuer, tenantId);
			String actual = token.getClaimAsString(IdTokenClaimNames.ISS);
			if (expected != null && expected.equals(actual)) {
				return OAuth2TokenValidatorResult.success();
			}
			String description = (expected == null)
					? "The ID token has no valid tenant id (tid), so its issuer " + actual
							+ " cannot be checked against " + this.issuer
					: "The ID token's issuer " + actual + " is not " + expected
							+ ", the issuer of the tenant it names (tid)";
			return OAuth2TokenValidatorResult
				.failure(new OAuth2Error("invalid_id_token", "[" + IdTokenClaimNames.ISS + "] " + description, null));
		}

	}

	/**
	 * Reads Google's second issuer form, without {@code https://}, as the issuer itself,
	 * before the claims are typed ({@code iss} becomes a URL, which the bare form is
	 * not).
	 */
	private static final class SchemelessIssuerConverter
			implements Converter<Map<String, Object>, Map<String, Object>> {

		private final String issuer;

		private final Converter<Map<String, Object>, Map<String, Object>> delegate;

		SchemelessIssuerConverter(String issuer, Converter<Map<String, Object>, Map<String, Object>> delegate) {
			this.issuer = issuer;
			this.delegate = delegate;
		}

		@Override
		public Map<String, Object> convert(Map<String, Object> claims) {
			Object iss = claims.get(IdTokenClaimNames.ISS);
			if (Issuers.withoutScheme(this.issuer).equals(iss)) {
				Map<String, Object> normalized = new java.util.LinkedHashMap<>(claims);
				normalized.put(IdTokenClaimNames.ISS, this.issuer);
				return this.delegate.convert(normalized);
			}
			return this.delegate.convert(claims);
		}

	}

	private JWKSource<SecurityContext> jwkSource(String jwkSetUri) {
		try {
			return JWKSourceBuilder.create(URI.create(jwkSetUri).toURL(), new RestClientResourceRetriever())
				.retrying(false)
				.build();
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid JWK set URI " + jwkSetUri, ex);
		}
	}

	private final class RestClientResourceRetriever implements ResourceRetriever {

		@Override
		public Resource retrieveResource(URL url) throws IOException {
			try {
				ResponseEntity<byte[]> response = IdTokenDecoders.this.restClient.get()
					.uri(url.toURI())
					.accept(MediaType.APPLICATION_JSON, MediaType.valueOf("application/jwk-set+json"))
					.retrieve()
					.toEntity(byte[].class);
				byte[] body = (response.getBody() != null) ? response.getBody() : new byte[0];
				MediaType contentType = response.getHeaders().getContentType();
				return new Resource(new String(body, StandardCharsets.UTF_8),
						(contentType != null) ? contentType.toString() : null);
			}
			catch (RestClientException | java.net.URISyntaxException ex) {
				throw new IOException("Could not fetch the JWK set from " + url + ": " + ex.getMessage(), ex);
			}
		}

	}

}
