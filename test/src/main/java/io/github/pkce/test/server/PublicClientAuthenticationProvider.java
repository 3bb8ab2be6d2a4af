package io.github.pkce.test.server;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Authenticates the public clients that {@link PublicClientAuthenticationConverter}
 * recognises: a registered client whose authentication method is {@code none}. The code
 * exchange is never handled here, so the server's own provider still demands and checks
 * the PKCE {@code code_verifier} (RFC 7636 section 4.6).
 *
 * @author pkce-spring-boot
 */
final class PublicClientAuthenticationProvider implements AuthenticationProvider {

	private static final String ERROR_URI = "https://datatracker.ietf.org/doc/html/rfc6749#section-3.2.1";

	private final RegisteredClientRepository registeredClients;

	/**
	 * Creates a provider.
	 * @param registeredClients the registered clients
	 */
	PublicClientAuthenticationProvider(RegisteredClientRepository registeredClients) {
		this.registeredClients = registeredClients;
	}

	@Override
	public @Nullable Authentication authenticate(Authentication authentication) {
		OAuth2ClientAuthenticationToken clientAuthentication = (OAuth2ClientAuthenticationToken) authentication;
		if (!ClientAuthenticationMethod.NONE.equals(clientAuthentication.getClientAuthenticationMethod())
				|| clientAuthentication.getAdditionalParameters().containsKey(PkceParameterNames.CODE_VERIFIER)
				|| AuthorizationGrantType.AUTHORIZATION_CODE.getValue()
					.equals(clientAuthentication.getAdditionalParameters().get(OAuth2ParameterNames.GRANT_TYPE))) {
			return null;
		}
		RegisteredClient client = this.registeredClients.findByClientId(clientAuthentication.getName());
		if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
					"Client authentication failed: client_id", ERROR_URI));
		}
		return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
