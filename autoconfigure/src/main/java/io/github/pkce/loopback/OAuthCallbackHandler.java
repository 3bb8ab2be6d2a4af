package io.github.pkce.loopback;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.pkce.PkceErrorCodes;
import org.jspecify.annotations.Nullable;

/**
 * Handles every request that reaches the loopback server and turns the one authorization
 * response that carries the expected {@code state} into an {@link AuthorizationCode}.
 * <p>
 * Any process on this machine, and any web page the user has open, can send requests to
 * the loopback port. So stray requests ({@code /favicon.ico}, other paths and methods)
 * are answered and ignored, responses whose {@code state} does not match are rejected
 * without ending the wait (RFC 6749 section 10.12), and only a response with the right
 * {@code state} completes it. Requests addressed to a host name we did not advertise are
 * refused, which defeats DNS rebinding.
 * <p>
 * Thread-safe: requests are handled concurrently by the server's executor; the first
 * accepted response wins.
 *
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 section
 * 7.3</a>
 */
final class OAuthCallbackHandler implements HttpHandler {

	/**
	 * Longest request URI served. An authorization response is a few hundred characters;
	 * the cap keeps a hostile local client from making us decode megabytes.
	 */
	static final int MAX_REQUEST_URI_LENGTH = 8 * 1024;

	private static final String NOT_FOUND_PAGE = page("Not found", "Not found.");

	private static final String METHOD_NOT_ALLOWED_PAGE = page("Method not allowed", "Method not allowed.");

	private static final String BAD_REQUEST_PAGE = page("Bad request", "Bad request.");

	private static final String MISDIRECTED_PAGE = page("Misdirected request",
			"This server only answers requests sent to the address the sign-in was started with.");

	private static final String URI_TOO_LONG_PAGE = page("Request URI too long", "Request URI too long.");

	private static final String ALREADY_COMPLETED_PAGE = page("Sign-in completed",
			"This sign-in has already completed; you can close this tab.");

	private final String path;

	private final Set<String> authorities;

	private final byte[] expectedState;

	private final EndpointMetadata pages;

	/** Set by the first accepted response, before its page is written. */
	private final AtomicBoolean claimed = new AtomicBoolean();

	/** Completed only once the page of the accepted response has been sent. */
	private final CompletableFuture<AuthorizationCode> result = new CompletableFuture<>();

	private final Map<Rejection, AtomicInteger> rejections = new EnumMap<>(Rejection.class);

	/**
	 * Creates a handler.
	 * @param path the raw path of the redirect URI, such as {@code /callback}
	 * @param authorities the accepted values of the {@code Host} header, in lower case,
	 * such as {@code 127.0.0.1:53682}
	 * @param expectedState the {@code state} sent in the authorization request
	 * @param pages the pages to show
	 */
	OAuthCallbackHandler(String path, Set<String> authorities, String expectedState, EndpointMetadata pages) {
		this.path = path;
		this.authorities = Set.copyOf(authorities);
		this.expectedState = expectedState.getBytes(StandardCharsets.UTF_8);
		this.pages = pages;
		for (Rejection rejection : Rejection.values()) {
			this.rejections.put(rejection, new AtomicInteger());
		}
	}

	/**
	 * Returns the future completed by the accepted authorization response, or cancelled
	 * by {@link #cancel()}.
	 * @return the result
	 */
	CompletableFuture<AuthorizationCode> result() {
		return this.result;
	}

	/**
	 * Ends the wait without a response, because the server is closing.
	 */
	void cancel() {
		this.result.cancel(false);
	}

	/**
	 * Explains the responses rejected so far, for the timeout message: a user who sees
	 * "no response arrived" after signing in needs to know a response did arrive but was
	 * not accepted.
	 * @return the explanation, starting with a space, or the empty string if nothing was
	 * rejected
	 */
	String rejectionSummary() {
		StringBuilder summary = new StringBuilder();
		this.rejections.forEach((rejection, count) -> {
			int n = count.get();
			if (n > 0) {
				summary.append(' ').append(rejection.describe(n));
			}
		});
		return summary.toString();
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			serve(exchange);
		}
	}

	private void serve(HttpExchange exchange) throws IOException {
		URI requestUri = exchange.getRequestURI();
		if (requestUri.toString().length() > MAX_REQUEST_URI_LENGTH) {
			respond(exchange, 414, URI_TOO_LONG_PAGE);
			return;
		}
		List<String> hosts = exchange.getRequestHeaders().get("Host");
		if (hosts == null || hosts.size() != 1) {
			respond(exchange, 400, BAD_REQUEST_PAGE);
			return;
		}
		// A web page that rebinds its own host name to 127.0.0.1 reaches this port with
		// that name in the Host header: refusing it keeps such pages from reading our
		// answers or feeding us callbacks under another name.
		if (!isAdvertised(hosts.get(0))
				|| (requestUri.getRawAuthority() != null && !isAdvertised(requestUri.getRawAuthority()))) {
			respond(exchange, 421, MISDIRECTED_PAGE);
			return;
		}
		if (!this.path.equals(requestUri.getRawPath())) {
			respond(exchange, 404, NOT_FOUND_PAGE);
			return;
		}
		if (!"GET".equals(exchange.getRequestMethod())) {
			exchange.getResponseHeaders().set("Allow", "GET");
			respond(exchange, 405, METHOD_NOT_ALLOWED_PAGE);
			return;
		}
		if (this.claimed.get() || this.result.isDone()) {
			respond(exchange, 200, ALREADY_COMPLETED_PAGE);
			return;
		}
		receive(exchange, requestUri.getRawQuery());
	}

	private void receive(HttpExchange exchange, @Nullable String rawQuery) throws IOException {
		Map<String, String> parameters = new HashMap<>();
		Rejection rejection = parse(rawQuery, parameters);
		if (rejection == null) {
			String state = parameters.get("state");
			if (state == null) {
				rejection = Rejection.MISSING_STATE;
			}
			// Constant-time, so response times do not reveal how much of a guess was
			// right.
			else if (!MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8), this.expectedState)) {
				rejection = Rejection.STATE_MISMATCH;
			}
			else {
				accept(exchange, toAuthorizationCode(state, parameters), parameters.containsKey("error"));
				return;
			}
		}
		this.rejections.get(rejection).incrementAndGet();
		respond(exchange, 400, this.pages.failurePage(rejection.errorCode, rejection.pageDescription));
	}

	private void accept(HttpExchange exchange, AuthorizationCode response, boolean relayedError) throws IOException {
		// Two valid responses can race (a double-clicked link); only the first counts.
		if (!this.claimed.compareAndSet(false, true)) {
			respond(exchange, 200, ALREADY_COMPLETED_PAGE);
			return;
		}
		try {
			if (!response.isError()) {
				respond(exchange, 200, this.pages.successPage());
			}
			else {
				// An error relayed from the authorization server is a well-formed
				// response; our own "no code" verdict means the request was malformed.
				respond(exchange, relayedError ? 200 : 400,
						this.pages.failurePage(response.error(), response.errorDescription()));
			}
			// Send the page before the waiting thread wakes up: the caller stops the
			// server as soon as it has the response, which would cut the browser off.
			exchange.close();
		}
		finally {
			// Even if the browser went away, the response was received.
			this.result.complete(response);
		}
	}

	private static AuthorizationCode toAuthorizationCode(String state, Map<String, String> parameters) {
		String issuer = parameters.get("iss");
		String error = parameters.get("error");
		if (error != null) {
			return AuthorizationCode.ofError(state, issuer, error, parameters.get("error_description"),
					parameters.get("error_uri"));
		}
		String code = parameters.get("code");
		if (code == null) {
			return AuthorizationCode.ofError(state, issuer, PkceErrorCodes.INVALID_RESPONSE,
					"The authorization response has no code.", null);
		}
		return AuthorizationCode.ofCode(code, state, issuer);
	}

	/**
	 * Decodes an {@code application/x-www-form-urlencoded} query (UTF-8, {@code +} is a
	 * space). Parameters without a value count as omitted and a parameter that appears
	 * twice is refused (RFC 6749 section 3.1), because two values leave it open which one
	 * the authorization server meant.
	 */
	private static @Nullable Rejection parse(@Nullable String rawQuery, Map<String, String> parameters) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return null;
		}
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name;
			String value;
			try {
				name = decode((equals >= 0) ? pair.substring(0, equals) : pair);
				value = (equals >= 0) ? decode(pair.substring(equals + 1)) : "";
			}
			catch (IllegalArgumentException ex) {
				return Rejection.MALFORMED_QUERY;
			}
			if (value.isEmpty()) {
				continue;
			}
			if (parameters.putIfAbsent(name, value) != null) {
				return Rejection.REPEATED_PARAMETER;
			}
		}
		return null;
	}

	private static String decode(String text) {
		return URLDecoder.decode(text, StandardCharsets.UTF_8);
	}

	private boolean isAdvertised(String authority) {
		return this.authorities.contains(authority.trim().toLowerCase(Locale.ROOT));
	}

	private static void respond(HttpExchange exchange, int status, String html) throws IOException {
		byte[] body = html.getBytes(StandardCharsets.UTF_8);
		Headers headers = exchange.getResponseHeaders();
		headers.set("Content-Type", "text/html; charset=utf-8");
		// The pages follow a URL that carried the code: keep them out of caches and keep
		// that URL out of the Referer of anything the page links to (RFC 9700).
		headers.set("Cache-Control", "no-store");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("X-Content-Type-Options", "nosniff");
		if ("HEAD".equals(exchange.getRequestMethod())) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		exchange.sendResponseHeaders(status, body.length);
		exchange.getResponseBody().write(body);
	}

	private static String page(String title, String text) {
		return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + title
				+ "</title></head>\n<body><p>" + text + "</p></body>\n</html>\n";
	}

	/**
	 * Why a response on the callback path was not accepted.
	 */
	enum Rejection {

		MALFORMED_QUERY(PkceErrorCodes.INVALID_RESPONSE, "The response could not be decoded, so it was ignored.",
				"response was rejected because its query could not be decoded.",
				"responses were rejected because their query could not be decoded."),

		REPEATED_PARAMETER(PkceErrorCodes.INVALID_RESPONSE,
				"The response contains a parameter more than once, so it was ignored.",
				"response was rejected because it contained a parameter more than once.",
				"responses were rejected because they contained a parameter more than once."),

		MISSING_STATE(PkceErrorCodes.INVALID_STATE,
				"The response has no state, so it cannot be matched to the sign-in in progress.",
				"response was rejected because it had no state.", "responses were rejected because they had no state."),

		STATE_MISMATCH(PkceErrorCodes.INVALID_STATE,
				"This response does not belong to the sign-in in progress (it may come from an old browser tab), so it was ignored.",
				"response was rejected because its state did not match this login (a stale browser tab or a forged request).",
				"responses were rejected because their state did not match this login (stale browser tabs or forged requests).");

		private final String errorCode;

		private final String pageDescription;

		private final String singular;

		private final String plural;

		Rejection(String errorCode, String pageDescription, String singular, String plural) {
			this.errorCode = errorCode;
			this.pageDescription = pageDescription;
			this.singular = singular;
			this.plural = plural;
		}

		String describe(int count) {
			return count + " " + ((count == 1) ? this.singular : this.plural);
		}

	}

}
