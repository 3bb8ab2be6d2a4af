package io.github.pkce.test.server;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Refuses an authorization request that does not refer to a pushed one by its
 * {@code request_uri}, for a server that requires pushed authorization requests (RFC 9126
 * section 5). Placed first among the authorization endpoint's converters, it converts
 * nothing: it lets pushed requests and consent submissions through to the server's own
 * converters, and fails the others with {@code invalid_request} on an error page, since
 * the redirect URI of such a request has not been checked.
 *
 * @author pkce-spring-boot
 */
final class PushedAuthorizationRequestEnforcer implements AuthenticationConverter {

	private static final OAuth2Error PUSH_REQUIRED = new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
			"This server requires pushed authorization requests: push the request first and send its request_uri",
			"https://datatracker.ietf.org/doc/html/rfc9126#section-5");

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		// A consent submission is a POST without response_type.
		boolean authorizationRequest = "GET".equals(request.getMethod())
				|| request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE) != null;
		if (authorizationRequest && request.getParameter(OAuth2ParameterNames.REQUEST_URI) == null) {
			throw new OAuth2AuthorizationCodeRequestAuthenticationException(PUSH_REQUIRED, null);
		}
		return null;
	}

}
