package io.github.pkce.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client side of the protocol written out by hand with {@code java.net.http}, so the
 * test kit is proven without the library's login code.
 *
 * @author pkce-spring-boot
 */
final class OAuthTestClient {

	private static final SecureRandom random = new SecureRandom();

	private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	private final EmbeddedAuthorizationServer server;

	OAuthTestClient(EmbeddedAuthorizationServer server) {
		this.server = server;
	}

	AuthorizationRequest authorizationRequest(URI redirectUri, String scope) {
		String verifier = randomValue();
		Map<String, String> parameters = authorizationParameters(redirectUri, scope, verifier);
		URI uri = URI.create(this.server.issuer() + "/oauth2/authorize?" + form(parameters));
		return new AuthorizationRequest(uri, redirectUri, parameters.get("state"), parameters.get("nonce"), verifier);
	}

	/**
	 * Pushes an authorization request (RFC 9126 section 2.1) and returns what the browser
	 * opens next: the authorization endpoint with only {@code client_id} and
	 * {@code request_uri}.
	 */
	PushedAuthorizationRequest push(URI redirectUri, String scope) {
		String verifier = randomValue();
		Map<String, String> parameters = authorizationParameters(redirectUri, scope, verifier);
		Response response = post("/oauth2/par", parameters);
		String requestUri = response.string("request_uri");
		if (response.status() != 201 || requestUri == null) {
			throw new IllegalStateException(
					"The pushed authorization request got HTTP " + response.status() + ": " + response.body());
		}
		URI uri = URI.create(this.server.issuer() + "/oauth2/authorize?"
				+ form(Map.of("client_id", this.server.clientId(), "request_uri", requestUri)));
		return new PushedAuthorizationRequest(
				new AuthorizationRequest(uri, redirectUri, parameters.get("state"), parameters.get("nonce"), verifier),
				response);
	}

	private Map<String, String> authorizationParameters(URI redirectUri, String scope, String verifier) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("response_type", "code");
		parameters.put("client_id", this.server.clientId());
		parameters.put("redirect_uri", redirectUri.toString());
		parameters.put("scope", scope);
		parameters.put("state", randomValue());
		parameters.put("nonce", randomValue());
		parameters.put("code_challenge", s256(verifier));
		parameters.put("code_challenge_method", "S256");
		return parameters;
	}

	Response exchange(String code, AuthorizationRequest request) {
		return exchange(code, request.verifier(), request.redirectUri());
	}

	Response exchange(String code, String verifier, URI redirectUri) {
		return post("/oauth2/token", exchangeParameters(code, verifier, redirectUri), Map.of());
	}

	/**
	 * Exchanges the code with a DPoP proof for the token endpoint (RFC 9449 section 5).
	 */
	Response exchange(String code, AuthorizationRequest request, DPoPKey key) {
		return post("/oauth2/token", exchangeParameters(code, request.verifier(), request.redirectUri()),
				Map.of("DPoP", key.proof("POST", tokenEndpoint(), null)));
	}

	Response refresh(String refreshToken) {
		return post("/oauth2/token", refreshParameters(refreshToken), Map.of());
	}

	Response refresh(String refreshToken, DPoPKey key) {
		return post("/oauth2/token", refreshParameters(refreshToken),
				Map.of("DPoP", key.proof("POST", tokenEndpoint(), null)));
	}

	Response post(String path, Map<String, String> parameters) {
		return post(path, parameters, Map.of());
	}

	Response post(String path, Map<String, String> parameters, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.server.issuer().resolve(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json");
		headers.forEach(request::header);
		return send(request.POST(HttpRequest.BodyPublishers.ofString(form(parameters))).build());
	}

	Response get(URI uri, @Nullable String accessToken) {
		return getWithHeaders(uri, (accessToken != null) ? Map.of("Authorization", "Bearer " + accessToken) : Map.of());
	}

	Response getWithHeaders(URI uri, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "application/json");
		headers.forEach(request::header);
		return send(request.GET().build());
	}

	URI tokenEndpoint() {
		return this.server.issuer().resolve("/oauth2/token");
	}

	private Map<String, String> exchangeParameters(String code, String verifier, URI redirectUri) {
		return Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri.toString(),
				"client_id", this.server.clientId(), "code_verifier", verifier);
	}

	private Map<String, String> refreshParameters(String refreshToken) {
		return Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id",
				this.server.clientId());
	}

	Map<String, Object> getJson(String path) {
		Response response = get(this.server.issuer().resolve(path), null);
		if (response.status() != 200) {
			throw new IllegalStateException("GET " + path + " answered " + response.status());
		}
		return response.body();
	}

	private Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			String body = response.body();
			Map<String, Object> json = (body.startsWith("{"))
					? JsonMapper.shared().readValue(body, new TypeReference<Map<String, Object>>() {
					}) : Map.of();
			return new Response(response.statusCode(), json,
					response.headers().firstValue("WWW-Authenticate").orElse(null));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String randomValue() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String s256(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Map<String, Object> claims(String jwt) {
		String[] parts = jwt.split("\\.");
		if (parts.length != 3) {
			throw new IllegalArgumentException("not a JWS compact serialization");
		}
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		return JsonMapper.shared().readValue(payload, new TypeReference<Map<String, Object>>() {
		});
	}

	private static String form(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	record AuthorizationRequest(URI uri, URI redirectUri, String state, String nonce, String verifier) {
	}

	record PushedAuthorizationRequest(AuthorizationRequest request, Response response) {
	}

	record Response(int status, Map<String, Object> body, @Nullable String wwwAuthenticate) {

		@Nullable String string(String name) {
			Object value = this.body.get(name);
			return (value != null) ? value.toString() : null;
		}

		@Nullable String error() {
			return string("error");
		}

	}

}
