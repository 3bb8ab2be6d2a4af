package io.github.pkce.test.server;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;

/**
 * Refuses to refresh a public client's DPoP-bound tokens without a DPoP proof: its
 * refresh token is bound to the same key as the access token (RFC 9449 section 5). Spring
 * Authorization Server checks the key of a proof the client sends, but without one it
 * refreshes anyway and hands out a Bearer token; this provider closes that gap before
 * letting the server's own provider do the refresh.
 *
 * @author pkce-spring-boot
 */
final class DPoPBoundRefreshTokenProvider implements AuthenticationProvider {

	/** Where Spring Authorization Server's token request converters put the proof. */
	private static final String DPOP_PROOF_PARAMETER = "dpop_proof";

	private static final OAuth2Error PROOF_REQUIRED = new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
			"The refresh token is bound to a DPoP key: send a DPoP proof signed with it",
			"https://datatracker.ietf.org/doc/html/rfc9449#section-5");

	private final OAuth2RefreshTokenAuthenticationProvider delegate;

	private final OAuth2AuthorizationService authorizations;

	/**
	 * Creates a provider.
	 * @param delegate the server's own provider
	 * @param authorizations where the server keeps the tokens it issued
	 */
	DPoPBoundRefreshTokenProvider(OAuth2RefreshTokenAuthenticationProvider delegate,
			OAuth2AuthorizationService authorizations) {
		this.delegate = delegate;
		this.authorizations = authorizations;
	}

	@Override
	public @Nullable Authentication authenticate(Authentication authentication) {
		OAuth2RefreshTokenAuthenticationToken refresh = (OAuth2RefreshTokenAuthenticationToken) authentication;
		if (refresh.getAdditionalParameters().get(DPOP_PROOF_PARAMETER) == null
				&& refresh.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
				&& ClientAuthenticationMethod.NONE.equals(client.getClientAuthenticationMethod()) && isBoundToAKey(
						this.authorizations.findByToken(refresh.getRefreshToken(), OAuth2TokenType.REFRESH_TOKEN))) {
			throw new OAuth2AuthenticationException(PROOF_REQUIRED);
		}
		return this.delegate.authenticate(authentication);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.delegate.supports(authentication);
	}

	private static boolean isBoundToAKey(@Nullable OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = (authorization != null)
				? authorization.getAccessToken() : null;
		Map<String, Object> claims = (accessToken != null) ? accessToken.getClaims() : null;
		return claims != null && claims.get("cnf") instanceof Map<?, ?> confirmation && confirmation.containsKey("jkt");
	}

}
