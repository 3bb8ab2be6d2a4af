package io.github.pkce.http;

import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Puts the access token on requests to the configured origins (scheme, host and port) and
 * on no other request, so a token never reaches a third party (RFC 6750 section 5.3, RFC
 * 9700 section 4.9). When the service answers {@code 401} with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750 section 3.1), the
 * credentials are refreshed once and the request is sent once more; it never loops.
 * <p>
 * Thread-safe. The token comes from {@link PkceAuthenticator#credentials()}, which costs
 * a volatile read while the token is valid.
 *
 * @author pkce-spring-boot
 */
public final class BearerTokenInterceptor implements ClientHttpRequestInterceptor {

	private final PkceAuthenticator authenticator;

	private final String headerName;

	private final Origin[] origins;

	private volatile @Nullable Header header;

	/**
	 * Creates an interceptor that sets {@code Authorization: Bearer <token>}.
	 * @param authenticator where tokens come from
	 * @param origins the origins that receive the token, such as
	 * {@code https://api.example.com}; any path of such a URI is ignored
	 */
	public BearerTokenInterceptor(PkceAuthenticator authenticator, Collection<URI> origins) {
		this(authenticator, HttpHeaders.AUTHORIZATION, origins);
	}

	/**
	 * Creates an interceptor.
	 * @param authenticator where tokens come from
	 * @param headerName the header that carries {@code Bearer <token>}
	 * @param origins the origins that receive the token
	 */
	public BearerTokenInterceptor(PkceAuthenticator authenticator, String headerName, Collection<URI> origins) {
		Assert.notNull(authenticator, "authenticator cannot be null");
		Assert.hasText(headerName, "headerName cannot be empty");
		Assert.notEmpty(origins, "origins cannot be empty");
		this.authenticator = authenticator;
		this.headerName = headerName;
		this.origins = origins.stream().map(Origin::of).distinct().toArray(Origin[]::new);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!isTokenOrigin(request.getURI())) {
			return execution.execute(request, body);
		}
		Credentials credentials = this.authenticator.credentials();
		request.getHeaders().set(this.headerName, headerValue(credentials));
		ClientHttpResponse response = execution.execute(request, body);
		if (!isInvalidToken(response)) {
			return response;
		}
		response.close();
		Credentials renewed = this.authenticator.refreshCredentials(credentials.accessToken());
		request.getHeaders().set(this.headerName, headerValue(renewed));
		return execution.execute(request, body);
	}

	private static boolean isInvalidToken(ClientHttpResponse response) throws IOException {
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			return false;
		}
		List<String> challenges = response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE);
		for (String challenge : challenges) {
			String lower = challenge.toLowerCase(Locale.ROOT);
			if (lower.startsWith("bearer") && lower.replace(" ", "").contains("error=\"invalid_token\"")) {
				return true;
			}
		}
		return false;
	}

	private String headerValue(Credentials credentials) {
		// the same credentials serve many requests: build their header value once
		Header header = this.header;
		if (header == null || header.credentials() != credentials) {
			header = new Header(credentials, "Bearer " + credentials.accessToken());
			this.header = header;
		}
		return header.value();
	}

	private boolean isTokenOrigin(URI uri) {
		// compared in place: this runs on every request, so it builds no string
		String scheme = uri.getScheme();
		String host = uri.getHost();
		if (scheme == null || host == null) {
			return false;
		}
		int port = Origin.port(scheme, uri.getPort());
		for (Origin origin : this.origins) {
			if (origin.port() == port && origin.scheme().equalsIgnoreCase(scheme)
					&& origin.host().equalsIgnoreCase(host)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Scheme, host and port of a URI (RFC 6454), with the scheme's default port filled
	 * in.
	 */
	private record Header(Credentials credentials, String value) {

		@Override
		public String toString() {
			return "Header[value=[PROTECTED]]";
		}

	}

	record Origin(String scheme, String host, int port) {

		static Origin of(URI uri) {
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : "";
			return new Origin(scheme, host, port(scheme, uri.getPort()));
		}

		static int port(String scheme, int port) {
			if (port != -1) {
				return port;
			}
			return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
		}

	}

}
