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

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
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

	private final Map<String, JWKSource<SecurityContext>> jwkSources = new ConcurrentHashMap<>();

	IdTokenDecoders(RestClient restClient, Duration clockSkew, Clock clock, List<String> algorithms) {
		this.restClient = restClient;
		this.clockSkew = clockSkew;
		this.clock = clock;
		this.algorithms = algorithms.isEmpty() ? List.of("RS256") : algorithms;
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
		OidcIdTokenValidator claims = new OidcIdTokenValidator(registration);
		claims.setClockSkew(this.clockSkew);
		claims.setClock(this.clock);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, claims));
		decoder.setClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverter());
		return decoder;
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
