package io.github.pkce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Builds the {@link RestClient} for token requests from the caller's client, so its TLS,
 * proxy and timeout settings apply, with the converters and error handler OAuth needs.
 *
 * @author pkce-spring-boot
 */
final class OAuthRestClients {

	/**
	 * Additional parameter set on a token response that carried no {@code expires_in}:
	 * Spring Security then assumes one second, while RFC 6749 section 5.1 leaves the
	 * lifetime unknown.
	 */
	static final String EXPIRES_IN_ABSENT = "io.github.pkce.expires_in_absent";

	private OAuthRestClients() {
	}

	static RestClient forTokenRequests(RestClient restClient) {
		OAuth2AccessTokenResponseHttpMessageConverter tokenResponseConverter = new OAuth2AccessTokenResponseHttpMessageConverter();
		tokenResponseConverter.setAccessTokenResponseConverter(new ExpiryAwareResponseConverter());
		return restClient.mutate()
			.configureMessageConverters((converters) -> converters.addCustomConverter(new FormHttpMessageConverter())
				.addCustomConverter(tokenResponseConverter))
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build();
	}

	/**
	 * Builds the {@link RestClient} for device authorization requests (RFC 8628 section
	 * 3.1): form requests, JSON responses read as
	 * {@link OAuth2DeviceAuthorizationResponse}, OAuth errors as
	 * {@code OAuth2AuthorizationException}.
	 * @param restClient the caller's client
	 * @return a copy with the converters and error handler added
	 */
	static RestClient forDeviceAuthorization(RestClient restClient) {
		OAuth2DeviceAuthorizationResponseHttpMessageConverter responseConverter = new OAuth2DeviceAuthorizationResponseHttpMessageConverter();
		// it declares no media type of its own, so it would read nothing
		responseConverter.setSupportedMediaTypes(List.of(MediaType.APPLICATION_JSON));
		return restClient.mutate()
			.configureMessageConverters((converters) -> converters.addCustomConverter(new FormHttpMessageConverter())
				.addCustomConverter(responseConverter))
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build();
	}

	/** Token request parameters whose values are secrets. */
	private static final Set<String> SECRET_PARAMETERS = Set.of("code", "code_verifier", "refresh_token",
			"client_secret", "client_assertion", "device_code", "token");

	/**
	 * Hides secret values from the parameters' {@code toString()}: Spring's
	 * {@code RestClient} logs a request body with {@code toString()} at debug and trace
	 * level, which would otherwise write the code, the verifier or the refresh token to
	 * the log. The form written to the server is unchanged.
	 * @param parameters the token request parameters
	 */
	static void hideSecretValues(MultiValueMap<String, String> parameters) {
		for (String name : SECRET_PARAMETERS) {
			List<String> values = parameters.get(name);
			if (values != null) {
				parameters.put(name, new SecretValues(values));
			}
		}
	}

	/**
	 * Values written as they are, shown as {@code [PROTECTED]}.
	 */
	static final class SecretValues extends ArrayList<String> {

		SecretValues(List<String> values) {
			super(values);
		}

		@Override
		public String toString() {
			return "[PROTECTED]";
		}

	}

	private static final class ExpiryAwareResponseConverter
			implements Converter<Map<String, Object>, OAuth2AccessTokenResponse> {

		private final DefaultMapOAuth2AccessTokenResponseConverter delegate = new DefaultMapOAuth2AccessTokenResponseConverter();

		@Override
		public OAuth2AccessTokenResponse convert(Map<String, Object> source) {
			OAuth2AccessTokenResponse response = this.delegate.convert(source);
			if (source.containsKey(OAuth2ParameterNames.EXPIRES_IN)) {
				return response;
			}
			Map<String, Object> additional = new LinkedHashMap<>(response.getAdditionalParameters());
			additional.put(EXPIRES_IN_ABSENT, Boolean.TRUE);
			return OAuth2AccessTokenResponse.withResponse(response).additionalParameters(additional).build();
		}

	}

}
