package io.github.pkce;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.github.pkce.dpop.DpopKey;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The authorization request of one login pushed to the server (RFC 9126): the browser
 * receives only the {@code client_id} and the {@code request_uri} the server answered
 * with. A request URI lives for the {@code expires_in} the server gave (often 60 to 90
 * seconds) and some servers accept it once, so the browser is sent to it through the
 * loopback server's start address: the first visit uses the request pushed when the login
 * started, if it is still fresh, and any later or late visit pushes the same request
 * again. A login never shows the server's page for an expired request URI.
 * <p>
 * Thread-safe.
 *
 * @author pkce-spring-boot
 */
final class PushedAuthorizationRequest {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	/** Used when a response has no valid {@code expires_in}: RFC 9126's example. */
	private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

	/** A request URI is not handed to the browser this close to its expiry. */
	private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);

	private final AuthorizationClient client;

	private final URI endpoint;

	private final URI authorizationEndpoint;

	private final MultiValueMap<String, String> parameters;

	private final Clock clock;

	private final @Nullable DpopKey key;

	private @Nullable Pushed unused;

	/** The request URI pushed last, handed out or not. */
	private @Nullable Pushed latest;

	private PushedAuthorizationRequest(AuthorizationClient client, ProviderMetadata provider,
			OAuth2AuthorizationRequest request, @Nullable DpopKey key) {
		this.key = key;
		this.client = client;
		this.endpoint = Objects.requireNonNull(provider.getPushedAuthorizationRequestEndpoint());
		this.authorizationEndpoint = provider.getAuthorizationEndpoint();
		this.parameters = parameters(request);
		this.clock = client.clock();
	}

	/**
	 * Pushes the request once, so that a server that refuses it fails the login before
	 * the browser opens.
	 * @param client the client, for its {@link org.springframework.web.client.RestClient}
	 * and credentials
	 * @param provider the server's metadata, with a pushed authorization request endpoint
	 * @param request the authorization request
	 * @param key the DPoP key the code is bound to, sent as a proof too (RFC 9449 section
	 * 10.1), or {@code null}
	 * @return the pushed request
	 * @throws PkceException when the server refuses the request or cannot be reached
	 */
	static PushedAuthorizationRequest push(AuthorizationClient client, ProviderMetadata provider,
			OAuth2AuthorizationRequest request, @Nullable DpopKey key) {
		PushedAuthorizationRequest pushed = new PushedAuthorizationRequest(client, provider, request, key);
		synchronized (pushed) {
			pushed.unused = pushed.pushOnce();
		}
		return pushed;
	}

	/**
	 * Returns the URI to send the browser to: the authorization endpoint with the
	 * {@code client_id} and a fresh {@code request_uri}.
	 * @return the URI
	 * @throws PkceException when a new push is needed and fails
	 */
	synchronized URI browserUri() {
		Pushed pushed = this.unused;
		this.unused = null;
		if (pushed == null || !this.clock.instant().plus(EXPIRY_MARGIN).isBefore(pushed.expiresAt())) {
			pushed = pushOnce();
		}
		return UriComponentsBuilder.fromUri(this.authorizationEndpoint)
			.queryParam(OAuth2ParameterNames.CLIENT_ID, "{clientId}")
			.queryParam("request_uri", "{requestUri}")
			.encode()
			.buildAndExpand(this.client.getConfig().getClientId(), pushed.requestUri())
			.toUri();
	}

	/**
	 * Explains a login that timed out after the last request URI expired: the server may
	 * have shown the browser an error page for it, which cannot lead back here.
	 * @return the explanation, starting with a space, or the empty string
	 */
	synchronized String expiryHint() {
		Pushed pushed = this.latest;
		if (pushed == null || this.clock.instant().isBefore(pushed.expiresAt())) {
			return "";
		}
		return " The pushed authorization request expired at " + pushed.expiresAt() + " (this server keeps one for "
				+ pushed.lifetime().toSeconds() + " s, RFC 9126): if the browser showed an error about the request, "
				+ "run the login again and sign in within that time.";
	}

	private Pushed pushOnce() {
		Map<String, Object> body;
		try {
			body = send();
		}
		catch (RestClientResponseException ex) {
			if (this.key == null || !isNonceRequest(ex)) {
				throw refused(ex);
			}
			// RFC 9449 section 8: once more, with the nonce of the answer
			try {
				body = send();
			}
			catch (RestClientResponseException again) {
				throw refused(again);
			}
			catch (RestClientException again) {
				throw unreachable(again);
			}
		}
		catch (RestClientException ex) {
			throw unreachable(ex);
		}
		Object requestUri = (body != null) ? body.get("request_uri") : null;
		if (!(requestUri instanceof String value) || value.isBlank()) {
			throw new PkceException(PkceErrorCodes.PAR_FAILED,
					"The pushed authorization request endpoint " + this.endpoint
							+ " answered without a request_uri (RFC 9126 section 2.2). Run the login again; "
							+ "if it keeps failing, set par to never.");
		}
		Duration lifetime = lifetime(body.get("expires_in"));
		Pushed pushed = new Pushed(value, this.clock.instant().plus(lifetime), lifetime);
		this.latest = pushed;
		return pushed;
	}

	private @Nullable Map<String, Object> send() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>(this.parameters);
		HttpHeaders headers = new HttpHeaders();
		// RFC 9126 section 2: the client authenticates as at the token endpoint
		this.client.authenticateClient(form, headers);
		if (this.key != null) {
			headers.addAll(this.client.dpopHeaders(this.key, this.endpoint));
		}
		OAuthRestClients.hideSecretValues(form);
		try {
			ResponseEntity<Map<String, Object>> response = this.client.restClient()
				.post()
				.uri(this.endpoint)
				.headers((all) -> all.addAll(headers))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(form)
				.retrieve()
				.toEntity(JSON_OBJECT);
			this.client.nonces().update(this.endpoint, response.getHeaders());
			return response.getBody();
		}
		catch (RestClientResponseException ex) {
			HttpHeaders responseHeaders = ex.getResponseHeaders();
			if (responseHeaders != null) {
				this.client.nonces().update(this.endpoint, responseHeaders);
			}
			throw ex;
		}
	}

	private boolean isNonceRequest(RestClientResponseException ex) {
		if (ex.getStatusCode().value() != 400) {
			return false;
		}
		try {
			Map<String, Object> error = ex.getResponseBodyAs(JSON_OBJECT);
			return error != null && AuthorizationClient.USE_DPOP_NONCE.equals(error.get(OAuth2ParameterNames.ERROR));
		}
		catch (RuntimeException notJson) {
			return false;
		}
	}

	private PkceException unreachable(RestClientException ex) {
		return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
				"The pushed authorization request endpoint " + this.endpoint + " could not be reached ("
						+ ProviderDiscovery.rootMessage(ex) + "). Check the network connection and try again.",
				ex);
	}

	private PkceException refused(RestClientResponseException ex) {
		int status = ex.getStatusCode().value();
		if (status >= 500) {
			return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE, "The pushed authorization request endpoint "
					+ this.endpoint + " answered HTTP " + status + ". Try again later.", ex);
		}
		Map<String, Object> error = null;
		try {
			error = ex.getResponseBodyAs(JSON_OBJECT);
		}
		catch (RuntimeException notJson) {
			// described by the status alone
		}
		Object code = (error != null) ? error.get(OAuth2ParameterNames.ERROR) : null;
		Object description = (error != null) ? error.get(OAuth2ParameterNames.ERROR_DESCRIPTION) : null;
		String named = (code instanceof String text) ? text : "HTTP " + status;
		return new PkceException(PkceErrorCodes.PAR_FAILED,
				"The authorization server refused the pushed authorization request: " + named
						+ ((description instanceof String text) ? " (" + text + ")" : "")
						+ ". Check the client id, scopes and redirect URI of the client's registration.",
				ex);
	}

	private static Duration lifetime(@Nullable Object expiresIn) {
		// 0 is a request URI already at its end: pushed again when the browser arrives
		if (expiresIn instanceof Number number && number.longValue() >= 0) {
			return Duration.ofSeconds(number.longValue());
		}
		return DEFAULT_LIFETIME;
	}

	/**
	 * The parameters of the authorization request, as they would be in its URI (RFC 6749
	 * section 4.1.1, RFC 7636 section 4.3 and the additional ones).
	 */
	private static MultiValueMap<String, String> parameters(OAuth2AuthorizationRequest request) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.set(OAuth2ParameterNames.RESPONSE_TYPE, request.getResponseType().getValue());
		parameters.set(OAuth2ParameterNames.CLIENT_ID, request.getClientId());
		if (request.getRedirectUri() != null) {
			parameters.set(OAuth2ParameterNames.REDIRECT_URI, request.getRedirectUri());
		}
		if (!request.getScopes().isEmpty()) {
			parameters.set(OAuth2ParameterNames.SCOPE, String.join(" ", request.getScopes()));
		}
		if (request.getState() != null) {
			parameters.set(OAuth2ParameterNames.STATE, request.getState());
		}
		request.getAdditionalParameters().forEach((name, value) -> parameters.set(name, String.valueOf(value)));
		return parameters;
	}

	/**
	 * Ends a login whose start address failed to push the request with that failure.
	 * @param error the error code of the authorization response
	 * @param description its description
	 */
	static void checkStartFailure(String error, @Nullable String description) {
		if (PkceErrorCodes.PAR_FAILED.equals(error) || PkceErrorCodes.SERVER_UNAVAILABLE.equals(error)) {
			throw new PkceException(error, (description != null) ? description : "The sign-in could not start.");
		}
	}

	private record Pushed(String requestUri, Instant expiresAt, Duration lifetime) {

		@Override
		public String toString() {
			return "Pushed[expiresAt=" + this.expiresAt + "]";
		}

	}

}
