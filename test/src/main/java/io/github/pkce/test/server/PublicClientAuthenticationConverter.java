package io.github.pkce.test.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Recognises a public client (a {@code client_id} and no credentials, RFC 6749 section
 * 2.3 and 3.2.1) on the requests Spring Authorization Server only accepts from
 * confidential clients: the refresh grant (section 6), the device code grant and the
 * device authorization request (RFC 8628 sections 3.1 and 3.4), token revocation (RFC
 * 7009 section 2.1) and the pushed authorization request (RFC 9126 section 2.1). Requests
 * carrying a {@code code_verifier} are left to the server's own PKCE-checking converter.
 *
 * @author pkce-spring-boot
 */
final class PublicClientAuthenticationConverter implements AuthenticationConverter {

	private static final Set<String> CREDENTIAL_PARAMETERS = Set.of(OAuth2ParameterNames.CLIENT_SECRET,
			OAuth2ParameterNames.CLIENT_ASSERTION, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE,
			PkceParameterNames.CODE_VERIFIER);

	private static final Set<String> GRANT_TYPES = Set.of(AuthorizationGrantType.REFRESH_TOKEN.getValue(),
			AuthorizationGrantType.DEVICE_CODE.getValue());

	private final Set<String> grantlessEndpoints;

	/**
	 * Creates a converter.
	 * @param grantlessEndpoints the paths of endpoints that take no {@code grant_type}
	 * but accept a public client (device authorization, revocation, pushed authorization
	 * requests)
	 */
	PublicClientAuthenticationConverter(Set<String> grantlessEndpoints) {
		this.grantlessEndpoints = Set.copyOf(grantlessEndpoints);
	}

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod()) || request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
			return null;
		}
		Map<String, String[]> parameters = request.getParameterMap();
		String[] clientIds = parameters.get(OAuth2ParameterNames.CLIENT_ID);
		if (clientIds == null || clientIds.length != 1 || clientIds[0].isEmpty()
				|| CREDENTIAL_PARAMETERS.stream().anyMatch(parameters::containsKey)) {
			return null;
		}
		String[] grantTypes = parameters.get(OAuth2ParameterNames.GRANT_TYPE);
		boolean accepted = (grantTypes != null) ? grantTypes.length == 1 && GRANT_TYPES.contains(grantTypes[0])
				: this.grantlessEndpoints
					.contains(request.getRequestURI().substring(request.getContextPath().length()));
		if (!accepted) {
			return null;
		}
		Map<String, Object> additionalParameters = new HashMap<>();
		parameters.forEach((name, values) -> {
			if (!OAuth2ParameterNames.CLIENT_ID.equals(name)) {
				additionalParameters.put(name, (values.length == 1) ? values[0] : values.clone());
			}
		});
		return new OAuth2ClientAuthenticationToken(clientIds[0], ClientAuthenticationMethod.NONE, null,
				additionalParameters);
	}

}
