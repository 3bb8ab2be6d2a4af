package io.github.pkce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.pkce.dpop.DpopNonces;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
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

	/** The connect timeout of {@link #withTimeouts()}. */
	static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);

	/** The read timeout of {@link #withTimeouts()}. */
	static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofSeconds(30);

	/**
	 * Builds the client used when the caller gives none: one without timeouts would let
	 * an authorization server that stops answering hang the program.
	 * @return a client with a 10 s connect and a 30 s read timeout
	 */
	static RestClient withTimeouts() {
		org.springframework.http.client.JdkClientHttpRequestFactory factory = new org.springframework.http.client.JdkClientHttpRequestFactory(
				java.net.http.HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
		factory.setReadTimeout(READ_TIMEOUT);
		return RestClient.builder().requestFactory(factory).build();
	}

	/**
	 * Builds the {@link RestClient} for token requests: form requests, token responses,
	 * OAuth errors as {@code OAuth2AuthorizationException}, and every {@code DPoP-Nonce}
	 * a response carries recorded (RFC 9449 section 8).
	 * @param restClient the caller's client
	 * @param nonces where DPoP nonces are recorded
	 * @return a copy with the converters, interceptors and error handler added
	 */
	static RestClient forTokenRequests(RestClient restClient, DpopNonces nonces) {
		OAuth2AccessTokenResponseHttpMessageConverter tokenResponseConverter = new OAuth2AccessTokenResponseHttpMessageConverter();
		tokenResponseConverter.setAccessTokenResponseConverter(new ExpiryAwareResponseConverter());
		return restClient.mutate()
			.configureMessageConverters((converters) -> converters.addCustomConverter(new FormHttpMessageConverter())
				.addCustomConverter(tokenResponseConverter))
			.requestInterceptor((request, body, execution) -> {
				ClientHttpResponse response = execution.execute(request, body);
				nonces.update(request.getURI(), response.getHeaders());
				return response;
			})
			.requestInterceptor(new OAuthErrorStatusInterceptor())
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
			.requestInterceptor(new OAuthErrorStatusInterceptor())
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

	/**
	 * Gives an OAuth error response the {@code 400 Bad Request} of RFC 6749 section 5.2,
	 * the only status whose body Spring Security's error handler reads, when a server
	 * sends it with another status:
	 * <ul>
	 * <li>a successful status whose JSON body carries an {@code error} and no
	 * {@code access_token}: GitHub answers token and device requests this way
	 * ({@code bad_verification_code}, {@code authorization_pending} come with HTTP 200,
	 * <a href=
	 * "https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors">Troubleshooting
	 * OAuth app access token request errors</a>). A body with {@code error} is an error,
	 * whatever the status;</li>
	 * <li>another client error status with such a body: Auth0 refuses a refresh token
	 * with {@code 403 Forbidden} and {@code invalid_grant}, servers may answer
	 * {@code invalid_client} with 401 (RFC 6749 section 5.2).</li>
	 * </ul>
	 * Without it, the error code is lost: a dead refresh token would not be recognised as
	 * {@code invalid_grant}.
	 */
	static final class OAuthErrorStatusInterceptor implements ClientHttpRequestInterceptor {

		/** Token responses are small; a larger body is passed on unread. */
		private static final int MAX_INSPECTED = 64 * 1024;

		private static final ObjectMapper JSON = new ObjectMapper();

		@Override
		public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
				throws IOException {
			ClientHttpResponse response = execution.execute(request, body);
			HttpStatusCode status = response.getStatusCode();
			boolean success = status.is2xxSuccessful();
			boolean otherClientError = status.is4xxClientError() && status.value() != HttpStatus.BAD_REQUEST.value();
			MediaType contentType = response.getHeaders().getContentType();
			if (!(success || otherClientError) || contentType == null
					|| !(MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
							|| contentType.getSubtype().endsWith("+json"))) {
				return response;
			}
			byte[] content = response.getBody().readNBytes(MAX_INSPECTED + 1);
			boolean error = content.length <= MAX_INSPECTED && isError(content);
			return new BufferedResponse(response, content, error ? HttpStatus.BAD_REQUEST : null);
		}

		private static boolean isError(byte[] content) {
			try {
				JsonNode json = JSON.readTree(content);
				return json != null && json.isObject() && json.hasNonNull(OAuth2ParameterNames.ERROR)
						&& json.get(OAuth2ParameterNames.ERROR).isString()
						&& !json.hasNonNull(OAuth2ParameterNames.ACCESS_TOKEN);
			}
			catch (JacksonException ex) {
				// not JSON after all: the converters report it
				return false;
			}
		}

	}

	/**
	 * A response whose body was read to inspect it, served again, with the status changed
	 * when it was an error.
	 */
	private static final class BufferedResponse implements ClientHttpResponse {

		private final ClientHttpResponse response;

		private final InputStream body;

		private final @Nullable HttpStatus status;

		BufferedResponse(ClientHttpResponse response, byte[] head, @Nullable HttpStatus status) {
			this.response = response;
			this.status = status;
			this.body = new SequenceInputStream(new ByteArrayInputStream(head), bodyRest(response));
		}

		private static InputStream bodyRest(ClientHttpResponse response) {
			try {
				return response.getBody();
			}
			catch (IOException ex) {
				return InputStream.nullInputStream();
			}
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return (this.status != null) ? this.status : this.response.getStatusCode();
		}

		@Override
		public String getStatusText() throws IOException {
			return (this.status != null) ? this.status.getReasonPhrase() : this.response.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			if (this.status == null) {
				return this.response.getHeaders();
			}
			// Spring Security's error handler reads a WWW-Authenticate challenge before
			// the
			// body and, for a scheme other than Bearer (RFC 6749 section 5.2 answers
			// invalid_client with Basic), reports server_error: the body is the error
			HttpHeaders headers = new HttpHeaders();
			headers.putAll(this.response.getHeaders());
			headers.remove(HttpHeaders.WWW_AUTHENTICATE);
			return headers;
		}

		@Override
		public InputStream getBody() {
			return this.body;
		}

		@Override
		public void close() {
			this.response.close();
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
