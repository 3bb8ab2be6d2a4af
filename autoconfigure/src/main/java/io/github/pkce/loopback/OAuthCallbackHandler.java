package io.github.pkce.loopback;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.jspecify.annotations.Nullable;

/**
 * Answers every request that reaches the loopback server and turns the one authorization
 * response that carries the expected {@code state} into an {@link AuthorizationCode}.
 * <p>
 * Any process on this machine, and any web page the user has open, can send requests to
 * the loopback port. So stray requests ({@code /favicon.ico}, other paths and methods)
 * are answered and ignored, responses whose {@code state} does not match are rejected
 * without ending the wait (RFC 6749 section 10.12), and only a response with the right
 * {@code state} completes it. Requests addressed to a host name we did not advertise are
 * refused, which defeats DNS rebinding.
 * <p>
 * The accepted response is answered with a {@code 303 See Other} to the "done" path,
 * which shows the success or failure page: the address bar and the history then hold a
 * URL without the code or the {@code state}.
 * <p>
 * Thread-safe: requests are handled concurrently by the server's threads; the first
 * accepted response wins.
 *
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 section
 * 7.3</a>
 */
final class OAuthCallbackHandler {

	private static final String NOT_FOUND_PAGE = LoopbackResponse.plainPage("Not found", "Not found.");

	private static final String METHOD_NOT_ALLOWED_PAGE = LoopbackResponse.plainPage("Method not allowed",
			"Method not allowed.");

	private static final String MISDIRECTED_PAGE = LoopbackResponse.plainPage("Misdirected request",
			"This server only answers requests sent to the address the sign-in was started with.");

	private static final String NOT_STARTED_PAGE = LoopbackResponse.plainPage("Sign-in not started",
			"This address starts the sign-in only when it is opened directly in the browser, not from another page.");

	private static final String ALREADY_COMPLETED_PAGE = LoopbackResponse.plainPage("Sign-in completed",
			"This sign-in has already completed; you can close this tab.");

	private final String path;

	private final String donePath;

	private final String startPath;

	/**
	 * Where the start path sends the browser, or {@code null} when the login has no start
	 * path.
	 */
	private volatile @Nullable Supplier<URI> start;

	private final Set<String> authorities;

	private final byte[] expectedState;

	private final EndpointMetadata pages;

	/**
	 * When the first accepted response arrived ({@link System#nanoTime()}); set before
	 * its answer is written.
	 */
	private final AtomicReference<@Nullable Long> acceptedAt = new AtomicReference<>();

	/** Completed only once the answer to the accepted response has been sent. */
	private final CompletableFuture<AuthorizationCode> result = new CompletableFuture<>();

	/** Completed once the page of the accepted response has been asked for. */
	private final CompletableFuture<Void> donePageRequested = new CompletableFuture<>();

	/** Completed once the page of the accepted response has been sent. */
	private final CompletableFuture<Void> donePageSent = new CompletableFuture<>();

	/** The page shown at the "done" path, set with the accepted response. */
	private volatile @Nullable LoopbackResponse donePage;

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
		this.donePath = donePath(path);
		this.startPath = path.endsWith("/") ? path + "start" : path + "/start";
		this.authorities = Set.copyOf(authorities);
		this.expectedState = expectedState.getBytes(StandardCharsets.UTF_8);
		this.pages = pages;
		for (Rejection rejection : Rejection.values()) {
			this.rejections.put(rejection, new AtomicInteger());
		}
	}

	/**
	 * Returns the path the browser is sent to once the response has been accepted:
	 * {@code /callback/done} for {@code /callback}, {@code /done} for {@code /}.
	 * @param path the path of the redirect URI
	 * @return the path of the page shown at the end
	 */
	static String donePath(String path) {
		return path.endsWith("/") ? path + "done" : path + "/done";
	}

	/**
	 * Serves the start path: each {@code GET} of it is answered with a {@code 303 See
	 * Other} to the URI the target gives then. A target that throws a
	 * {@link PkceException} ends the login with its error code and message.
	 * @param target the authorization request to send the browser to
	 * @return the start path, such as {@code /callback/start}
	 */
	String startAt(Supplier<URI> target) {
		this.start = target;
		return this.startPath;
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
	 * Returns the future completed once the browser has been sent the page of the
	 * accepted response.
	 * @return the future, never completed while no response has been accepted
	 */
	CompletableFuture<Void> donePageSent() {
		return this.donePageSent;
	}

	/**
	 * Returns the future completed once the browser has asked for the page of the
	 * accepted response, just before it is sent.
	 * @return the future, never completed while no response has been accepted
	 */
	CompletableFuture<Void> donePageRequested() {
		return this.donePageRequested;
	}

	/**
	 * Returns when the accepted response arrived.
	 * @return the {@link System#nanoTime()} of its arrival, or {@code null} while none
	 * has been accepted
	 */
	@Nullable Long acceptedAt() {
		return this.acceptedAt.get();
	}

	/**
	 * Ends the wait without a response, because the server is closing, unless a response
	 * has been accepted: its answer may still be on its way.
	 */
	void cancel() {
		if (this.acceptedAt.get() == null) {
			this.result.cancel(false);
		}
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

	/**
	 * Answers a request. The answer to the accepted response completes {@link #result()}
	 * once it has been sent, or once sending it failed.
	 * @param request the request
	 * @return the response to send
	 */
	LoopbackResponse handle(RequestHead request) {
		LoopbackResponse response = answer(request);
		return "HEAD".equals(request.method()) ? response.withoutBody() : response;
	}

	private LoopbackResponse answer(RequestHead request) {
		if (request.hosts().size() != 1) {
			return LoopbackResponse.error(400);
		}
		// A web page that rebinds its own host name to 127.0.0.1 reaches this port with
		// that name in the Host header: refusing it keeps such pages from reading our
		// answers or feeding us callbacks under another name.
		if (!isAdvertised(request.hosts().get(0))
				|| (request.authority() != null && !isAdvertised(request.authority()))) {
			return LoopbackResponse.page(421, MISDIRECTED_PAGE);
		}
		boolean callback = this.path.equals(request.rawPath());
		Supplier<URI> start = this.startPath.equals(request.rawPath()) ? this.start : null;
		if (!callback && start == null && !this.donePath.equals(request.rawPath())) {
			return LoopbackResponse.page(404, NOT_FOUND_PAGE);
		}
		// No CORS headers, and OPTIONS is refused: a preflight from another origin fails.
		if (!"GET".equals(request.method())) {
			return LoopbackResponse.page(405, METHOD_NOT_ALLOWED_PAGE).withHeader("Allow", "GET");
		}
		if (start != null) {
			return start(start, request.fetchSite());
		}
		if (!callback) {
			LoopbackResponse done = this.donePage;
			if (done == null) {
				return LoopbackResponse.page(404, NOT_FOUND_PAGE);
			}
			this.donePageRequested.complete(null);
			return done;
		}
		if (this.acceptedAt.get() != null || this.result.isDone()) {
			return LoopbackResponse.page(200, ALREADY_COMPLETED_PAGE);
		}
		return receive(request.rawQuery());
	}

	private LoopbackResponse start(Supplier<URI> start, @Nullable String fetchSite) {
		// Opened by the program or typed by the user, a browser says "none"; a page of
		// another site that loads this address (an image, a form, a script) says
		// "cross-site" or "same-site", and must not start the sign-in for the user.
		if (fetchSite != null && !fetchSite.equals("none") && !fetchSite.equals("same-origin")) {
			return LoopbackResponse.page(403, NOT_STARTED_PAGE);
		}
		if (this.acceptedAt.get() != null || this.result.isDone()) {
			return LoopbackResponse.page(200, ALREADY_COMPLETED_PAGE);
		}
		try {
			return LoopbackResponse.seeOther(start.get().toASCIIString());
		}
		catch (PkceException ex) {
			String state = new String(this.expectedState, StandardCharsets.UTF_8);
			return accept(AuthorizationCode.ofError(state, null, ex.getErrorCode(), ex.getMessage(), null), true);
		}
	}

	private LoopbackResponse receive(@Nullable String rawQuery) {
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
				return accept(toAuthorizationCode(state, parameters), parameters.containsKey("error"));
			}
		}
		this.rejections.get(rejection).incrementAndGet();
		return LoopbackResponse.page(400, this.pages.failurePage(rejection.errorCode, rejection.pageDescription));
	}

	private LoopbackResponse accept(AuthorizationCode response, boolean relayedError) {
		// Two valid responses can race (a double-clicked link); only the first counts.
		if (!this.acceptedAt.compareAndSet(null, System.nanoTime())) {
			return LoopbackResponse.page(200, ALREADY_COMPLETED_PAGE);
		}
		LoopbackResponse page;
		if (!response.isError()) {
			page = LoopbackResponse.page(200, this.pages.successPage());
		}
		else {
			// An error relayed from the authorization server is a well-formed response;
			// our own "no code" verdict means the request was malformed.
			page = LoopbackResponse.page(relayedError ? 200 : 400,
					this.pages.failurePage(response.error(), response.errorDescription()));
		}
		this.donePage = page.afterSending(() -> this.donePageSent.complete(null));
		// The waiting thread wakes up once the redirect has been sent: the caller may
		// close the server then, which keeps serving the page briefly.
		return LoopbackResponse.seeOther(this.donePath).afterSending(() -> this.result.complete(response));
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
		return this.authorities.contains(authority.toLowerCase(Locale.ROOT));
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
