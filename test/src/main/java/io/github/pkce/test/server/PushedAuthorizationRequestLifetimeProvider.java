package io.github.pkce.test.server;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationToken;

/**
 * Gives each {@code request_uri} (RFC 9126 section 2.2) a lifetime of our choosing.
 * Spring Authorization Server fixes it at 300 seconds and writes the expiry into the
 * {@code request_uri} itself ({@code urn:ietf:params:oauth:request_uri:<key>___<epoch
 * millis>}) and into the state of the stored authorization, where the authorization
 * endpoint reads it back; this provider lets the server's own provider push the request,
 * then rewrites both with the new expiry.
 *
 * @author pkce-spring-boot
 */
final class PushedAuthorizationRequestLifetimeProvider implements AuthenticationProvider {

	private static final String REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";

	private static final String EXPIRY_DELIMITER = "___";

	private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	private final OAuth2PushedAuthorizationRequestAuthenticationProvider delegate;

	private final OAuth2AuthorizationService authorizations;

	private final Duration lifetime;

	/**
	 * Creates a provider.
	 * @param delegate the server's own provider
	 * @param authorizations where the server keeps pushed requests
	 * @param lifetime how long a {@code request_uri} is valid
	 */
	PushedAuthorizationRequestLifetimeProvider(OAuth2PushedAuthorizationRequestAuthenticationProvider delegate,
			OAuth2AuthorizationService authorizations, Duration lifetime) {
		this.delegate = delegate;
		this.authorizations = authorizations;
		this.lifetime = lifetime;
	}

	@Override
	public @Nullable Authentication authenticate(Authentication authentication) {
		OAuth2PushedAuthorizationRequestAuthenticationToken pushed = (OAuth2PushedAuthorizationRequestAuthenticationToken) this.delegate
			.authenticate(authentication);
		String requestUri = pushed.getRequestUri();
		int delimiter = (requestUri != null && requestUri.startsWith(REQUEST_URI_PREFIX))
				? requestUri.indexOf(EXPIRY_DELIMITER) : -1;
		OAuth2Authorization authorization = (delimiter >= 0)
				? this.authorizations.findByToken(requestUri.substring(REQUEST_URI_PREFIX.length()), STATE) : null;
		if (authorization == null) {
			throw new IllegalStateException("Spring Authorization Server no longer writes the expiry of a "
					+ "request_uri where the embedded server expects it; pushedAuthorizationRequestLifetime cannot "
					+ "be applied");
		}
		Instant expiresAt = Instant.now().plus(this.lifetime);
		String newRequestUri = requestUri.substring(0, delimiter + EXPIRY_DELIMITER.length())
				+ expiresAt.toEpochMilli();
		this.authorizations.save(OAuth2Authorization.from(authorization)
			.attribute(OAuth2ParameterNames.STATE, newRequestUri.substring(REQUEST_URI_PREFIX.length()))
			.build());
		return new OAuth2PushedAuthorizationRequestAuthenticationToken(pushed.getAuthorizationUri(),
				pushed.getClientId(), (Authentication) pushed.getPrincipal(), newRequestUri, expiresAt,
				pushed.getRedirectUri(), pushed.getState(), pushed.getScopes());
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.delegate.supports(authentication);
	}

}
