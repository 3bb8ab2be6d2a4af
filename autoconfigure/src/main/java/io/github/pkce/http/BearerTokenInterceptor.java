package io.github.pkce.http;

import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.dpop.DpopNonces;
import io.github.pkce.dpop.DpopProofs;
import io.github.pkce.internal.Origin;
import io.github.pkce.internal.WwwAuthenticate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * Credentials bound to a DPoP key (RFC 9449) are sent as {@code Authorization: DPoP
 * <token>} with a {@code DPoP} header carrying a new proof for the request, including the
 * token's hash ({@code ath}) and the latest nonce the service sent. They are refreshed
 * only on a {@code DPoP} challenge with {@code error="invalid_token"} (section 7.1): a
 * {@code Bearer} challenge comes from a service that does not take DPoP, which a new
 * token does not change. When the service answers {@code 401} with
 * {@code error="use_dpop_nonce"} and a new {@code DPoP-Nonce} (section 9), the request is
 * sent once more with a proof carrying that nonce.
 * <p>
 * Thread-safe. The token comes from {@link PkceAuthenticator#credentials()}, which costs
 * a volatile read while the token is valid.
 *
 * @author pkce-spring-boot
 */
public final class BearerTokenInterceptor implements ClientHttpRequestInterceptor {

	private static final Log logger = LogFactory.getLog(BearerTokenInterceptor.class);

	private static final String DPOP = "DPoP";

	private static final String BEARER = "Bearer";

	private static final String INVALID_TOKEN = "invalid_token";

	private static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private final PkceAuthenticator authenticator;

	private final String headerName;

	private final Origin[] origins;

	private volatile @Nullable Header header;

	private final DpopProofs proofs = new DpopProofs();

	private final DpopNonces nonces = new DpopNonces();

	private final Set<Origin> warnedOrigins = ConcurrentHashMap.newKeySet();

	/**
	 * Creates an interceptor that sets {@code Authorization: Bearer <token>}.
	 * @param authenticator where tokens come from
	 * @param origins the origins that receive the token, such as
	 * {@code https://api.example.com}; any path of such a URI is ignored
	 * @throws IllegalArgumentException when an origin is not an absolute URI with a host
	 */
	public BearerTokenInterceptor(PkceAuthenticator authenticator, Collection<URI> origins) {
		this(authenticator, HttpHeaders.AUTHORIZATION, origins);
	}

	/**
	 * Creates an interceptor.
	 * @param authenticator where tokens come from
	 * @param headerName the header that carries {@code Bearer <token>}
	 * @param origins the origins that receive the token
	 * @throws IllegalArgumentException when an origin is not an absolute URI with a host
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
		URI uri = request.getURI();
		if (!isTokenOrigin(uri)) {
			return execution.execute(request, body);
		}
		Credentials credentials = this.authenticator.credentials();
		String sentNonce = this.nonces.get(uri);
		ClientHttpResponse response = send(request, body, execution, credentials, sentNonce);
		received(uri, credentials, response);
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			return response;
		}
		WwwAuthenticate challenges = WwwAuthenticate
			.parse(response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE));
		// a nonce other than the one the proof carried, whether this answer or a
		// concurrent one brought it
		String nonce = this.nonces.get(uri);
		if (credentials.isDpopBound() && nonce != null && !nonce.equals(sentNonce)
				&& challenges.hasError(DPOP, USE_DPOP_NONCE)) {
			// RFC 9449 section 9: once, with the nonce of this answer
			response.close();
			ClientHttpResponse retried = send(request, body, execution, credentials, nonce);
			received(uri, credentials, retried);
			return retried;
		}
		// only the scheme that was sent can say that its token is no good
		if (!challenges.hasError(credentials.isDpopBound() ? DPOP : BEARER, INVALID_TOKEN)) {
			return response;
		}
		response.close();
		Credentials renewed = this.authenticator.refreshCredentials(credentials.accessToken());
		ClientHttpResponse retried = send(request, body, execution, renewed, this.nonces.get(uri));
		received(uri, renewed, retried);
		return retried;
	}

	private ClientHttpResponse send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			Credentials credentials, @Nullable String nonce) throws IOException {
		HttpHeaders headers = request.getHeaders();
		headers.set(this.headerName, headerValue(credentials));
		DpopKey key = credentials.dpopKey();
		if (key == null || !credentials.isDpopBound()) {
			return execution.execute(request, body);
		}
		URI uri = request.getURI();
		headers.set(DPOP, this.proofs.create(key, request.getMethod().name(), uri, credentials.accessToken(), nonce));
		return execution.execute(request, body);
	}

	/**
	 * Takes note of the answer to a request with DPoP-bound credentials: records its
	 * nonce and warns when it does not understand DPoP.
	 */
	private void received(URI uri, Credentials credentials, ClientHttpResponse response) throws IOException {
		if (credentials.isDpopBound()) {
			this.nonces.update(uri, response.getHeaders());
			warnWhenDpopIsNotUnderstood(uri, response);
		}
	}

	/**
	 * Tells the developer, once per origin, when a service answers a DPoP-bound token
	 * with a {@code 401} that offers only other schemes: it most likely does not support
	 * DPoP, and the token must not be sent to it as a bearer token (RFC 9449 section
	 * 7.2).
	 */
	private void warnWhenDpopIsNotUnderstood(URI uri, ClientHttpResponse response) throws IOException {
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			return;
		}
		List<String> challenges = response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE);
		if (WwwAuthenticate.parse(challenges).offers(DPOP)) {
			return;
		}
		Origin origin = Origin.of(uri);
		if (this.warnedOrigins.add(origin) && logger.isWarnEnabled()) {
			logger.warn(origin + " refused a DPoP-bound access token without offering DPoP ("
					+ (challenges.isEmpty() ? "no WWW-Authenticate challenge" : "it offers " + challenges) + "). "
					+ "If this service does not support DPoP (RFC 9449), enable it there, or set dpop to never and "
					+ "sign in again for bearer tokens.");
		}
	}

	private String headerValue(Credentials credentials) {
		// the same credentials serve many requests: build their header value once
		Header header = this.header;
		if (header == null || header.credentials() != credentials) {
			header = new Header(credentials,
					(credentials.isDpopBound() ? "DPoP " : "Bearer ") + credentials.accessToken());
			this.header = header;
		}
		return header.value();
	}

	private boolean isTokenOrigin(URI uri) {
		for (Origin origin : this.origins) {
			if (origin.matches(uri)) {
				return true;
			}
		}
		return false;
	}

	private record Header(Credentials credentials, String value) {

		@Override
		public String toString() {
			return "Header[value=[PROTECTED]]";
		}

	}

}
