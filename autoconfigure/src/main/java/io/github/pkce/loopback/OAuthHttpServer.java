package io.github.pkce.loopback;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;

/**
 * The short-lived HTTP server on the loopback interface that receives the authorization
 * response of a native app (RFC 8252 section 7.3).
 * <p>
 * It listens on one loopback address only, never on a wildcard address, so no other
 * machine can reach it: {@code 127.0.0.1} or {@code ::1} as the redirect URI names it,
 * and {@code 127.0.0.1} for {@code localhost}, which RFC 8252 section 8.3 discourages
 * because the name may resolve elsewhere. With port {@code 0} the operating system
 * chooses a free port atomically when binding (no "find a free port, then bind it" race),
 * and {@link #getRedirectUri()} gives the redirect URI with that port for the
 * authorization request.
 * <p>
 * Typical use, always closing the server:
 *
 * <pre class="code">
 * try (OAuthHttpServer server = OAuthHttpServer.start(URI.create("http://127.0.0.1:0/callback"), state,
 * 		EndpointMetadata.defaults())) {
 * 	URI redirectUri = server.getRedirectUri();
 * 	// open the browser at the authorization request that uses redirectUri
 * 	AuthorizationCode response = server.awaitAuthorizationCode(Duration.ofMinutes(5));
 * }
 * </pre>
 *
 * Close it even when the login fails: the JDK's dispatcher thread is not a daemon thread
 * and would keep the JVM alive.
 * <p>
 * Thread-safe: any thread may call {@link #awaitAuthorizationCode(Duration)} and
 * {@link #close()}; requests are served by a small pool of daemon threads named
 * {@code pkce-callback-N}.
 *
 * @author pkce-spring-boot
 * @see OAuthCallbackHandler
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 section
 * 7.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-8.3">RFC 8252 section
 * 8.3</a>
 */
public final class OAuthHttpServer implements AutoCloseable {

	/** Enough for a browser's parallel connections; a callback needs one. */
	private static final int THREADS = 4;

	private static final byte[] IPV4_LOOPBACK = { 127, 0, 0, 1 };

	private static final byte[] IPV6_LOOPBACK = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	private static final String EXAMPLE = "http://127.0.0.1:0/callback";

	/**
	 * The JDK's HTTP server logs each request line, authorization code included, at debug
	 * level to this logger. Held strongly and capped at INFO so turning on debug logging
	 * never writes a code to a log.
	 */
	private static final java.util.logging.Logger JDK_SERVER_LOGGER = java.util.logging.Logger
		.getLogger("com.sun.net.httpserver");

	static {
		JDK_SERVER_LOGGER.setLevel(java.util.logging.Level.INFO);
	}

	private final HttpServer server;

	private final ExecutorService executor;

	private final OAuthCallbackHandler handler;

	private final URI redirectUri;

	private final Object closeLock = new Object();

	private boolean closed;

	private OAuthHttpServer(HttpServer server, ExecutorService executor, OAuthCallbackHandler handler,
			URI redirectUri) {
		this.server = server;
		this.executor = executor;
		this.handler = handler;
		this.redirectUri = redirectUri;
	}

	/**
	 * Starts listening for the authorization response.
	 * @param redirectUri the configured redirect URI: {@code http}, a host of
	 * {@code 127.0.0.1}, {@code [::1]} or {@code localhost}, a port ({@code 0} for a free
	 * port chosen now, RFC 8252 section 7.3) and the callback path ({@code /} if empty);
	 * no query or fragment
	 * @param expectedState the {@code state} sent in the authorization request; only a
	 * response carrying it is accepted (RFC 6749 section 10.12)
	 * @param pages the pages shown in the browser
	 * @return the running server, to be closed by the caller
	 * @throws PkceException with {@link PkceErrorCodes#CALLBACK_SERVER} if the redirect
	 * URI is not a loopback {@code http} URI or the server cannot listen, for example
	 * because the fixed port is taken
	 */
	public static OAuthHttpServer start(URI redirectUri, String expectedState, EndpointMetadata pages) {
		Objects.requireNonNull(redirectUri, "redirectUri cannot be null");
		Objects.requireNonNull(expectedState, "expectedState cannot be null");
		Objects.requireNonNull(pages, "pages cannot be null");
		if (expectedState.isEmpty()) {
			throw new IllegalArgumentException("expectedState cannot be empty");
		}
		String host = checkLoopback(redirectUri);
		InetAddress address = bindAddress(host);
		String path = (redirectUri.getRawPath() == null || redirectUri.getRawPath().isEmpty()) ? "/"
				: redirectUri.getRawPath();
		HttpServer server = bind(address, redirectUri.getPort());
		int port = server.getAddress().getPort();
		String authority = host + ":" + port;
		// A browser leaves out the default port from the Host header.
		Set<String> authorities = (port == 80)
				? Set.of(authority.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))
				: Set.of(authority.toLowerCase(Locale.ROOT));
		OAuthCallbackHandler handler = new OAuthCallbackHandler(path, authorities, expectedState, pages);
		ExecutorService executor = Executors.newFixedThreadPool(THREADS, new CallbackThreadFactory());
		try {
			// One context for every path, so that stray requests get an answer from us
			// rather than the JDK's default page.
			server.createContext("/", handler);
			server.setExecutor(executor);
			server.start();
			URI advertised = URI.create(redirectUri.getScheme() + "://" + authority + path);
			return new OAuthHttpServer(server, executor, handler, advertised);
		}
		catch (RuntimeException ex) {
			server.stop(0);
			executor.shutdownNow();
			throw ex;
		}
	}

	/**
	 * Returns the redirect URI to send in the authorization request: the configured one
	 * with the port actually bound.
	 * @return the redirect URI, such as {@code http://127.0.0.1:53682/callback}
	 */
	public URI getRedirectUri() {
		return this.redirectUri;
	}

	/**
	 * Waits for the authorization response that carries the expected {@code state}.
	 * Responses with another {@code state} or no {@code state}, or that repeat a
	 * parameter, are answered with the failure page and do not end the wait: a stale tab
	 * or a hostile local page can neither cancel nor hijack the login. Once a response
	 * has been accepted, every call returns it.
	 * @param timeout how long to wait at most
	 * @return the authorization response: a code, or an error relayed from the
	 * authorization server (RFC 6749 section 4.1.2.1) or found in the response (no code)
	 * @throws PkceException with {@link PkceErrorCodes#LOGIN_TIMEOUT} if no acceptable
	 * response arrived in time, with {@link PkceErrorCodes#LOGIN_CANCELLED} if the
	 * waiting thread was interrupted (its interrupt flag is set again) or the server was
	 * closed
	 */
	public AuthorizationCode awaitAuthorizationCode(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout cannot be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout cannot be negative");
		}
		try {
			return this.handler.result().get(toNanos(timeout), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PkceException(PkceErrorCodes.LOGIN_CANCELLED,
					"The login was cancelled while it waited for the sign-in in the browser.", ex);
		}
		catch (TimeoutException ex) {
			throw new PkceException(PkceErrorCodes.LOGIN_TIMEOUT,
					"No sign-in response arrived within " + describe(timeout)
							+ ". Run the login again and complete it in the browser."
							+ this.handler.rejectionSummary());
		}
		catch (CancellationException ex) {
			throw new PkceException(PkceErrorCodes.LOGIN_CANCELLED,
					"The login was cancelled: the callback server was closed before a sign-in response arrived.");
		}
		catch (ExecutionException ex) {
			// Never happens: the handler only completes the result normally or cancels
			// it.
			throw new IllegalStateException("Unexpected failure of the callback server", ex.getCause());
		}
	}

	/**
	 * Stops the server, frees the port at once and ends a wait in progress with
	 * {@link PkceErrorCodes#LOGIN_CANCELLED} unless a response was already accepted. Can
	 * be called more than once and from any thread; when it returns, the port is free.
	 */
	@Override
	public void close() {
		synchronized (this.closeLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			try {
				// No grace period: the page of an accepted response has already been sent
				// when the waiting thread learns about it.
				this.server.stop(0);
			}
			finally {
				this.executor.shutdownNow();
				this.handler.cancel();
			}
		}
	}

	/**
	 * Checks that the redirect URI is one we can serve safely.
	 * @return the host as written in the URI, such as {@code [::1]}
	 */
	private static String checkLoopback(URI uri) {
		String host = uri.getHost();
		if (!"http".equalsIgnoreCase(uri.getScheme()) || host == null || uri.getRawUserInfo() != null) {
			throw invalidUri(uri, "it must be an http URI whose host is 127.0.0.1, [::1] or localhost");
		}
		if (!host.equals("127.0.0.1") && !host.equals("[::1]") && !host.equalsIgnoreCase("localhost")) {
			throw invalidUri(uri, "its host must be 127.0.0.1, [::1] or localhost so that only this machine"
					+ " can reach the login callback");
		}
		if (uri.getPort() == -1) {
			throw invalidUri(uri, "it has no port; use port 0 so that a free port is chosen, or a fixed port");
		}
		if (uri.getPort() > 65535) {
			throw invalidUri(uri, "its port is above 65535");
		}
		// RFC 6749 section 3.1.2 forbids a fragment; a query would mix with the response.
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw invalidUri(uri, "it must not have a query or a fragment");
		}
		return host;
	}

	private static PkceException invalidUri(URI uri, String reason) {
		return new PkceException(PkceErrorCodes.CALLBACK_SERVER,
				"The redirect URI " + uri + " cannot be used for the login callback: " + reason
						+ " (RFC 8252 section 7.3), for example " + EXAMPLE + ".");
	}

	/**
	 * Returns the address to bind, built from its bytes so that no name is resolved.
	 */
	private static InetAddress bindAddress(String host) {
		try {
			return InetAddress.getByAddress(host.equals("[::1]") ? IPV6_LOOPBACK : IPV4_LOOPBACK);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer bind(InetAddress address, int port) {
		String where = address.getHostAddress().equals("0:0:0:0:0:0:0:1") ? "::1" : address.getHostAddress();
		try {
			return HttpServer.create(new InetSocketAddress(address, port), 0);
		}
		catch (BindException ex) {
			String reason = String.valueOf(ex.getMessage());
			if (port != 0 && reason.toLowerCase(Locale.ROOT).contains("in use")) {
				throw new PkceException(PkceErrorCodes.CALLBACK_SERVER, "Port " + port + " on " + where
						+ " is already in use, so the login callback cannot be received. Stop the program using it,"
						+ " or use port 0 in the redirect URI so a free port is chosen.", ex);
			}
			throw cannotListen(where, port, reason, ex);
		}
		catch (IOException ex) {
			throw cannotListen(where, port, String.valueOf(ex.getMessage()), ex);
		}
	}

	private static PkceException cannotListen(String where, int port, String reason, IOException ex) {
		String hint = (port != 0) ? " Use port 0 in the redirect URI so a free port is chosen, or another port."
				: " Check that the loopback interface is up"
						+ (where.equals("::1") ? " and has IPv6, or use" + " 127.0.0.1 in the redirect URI." : ".");
		return new PkceException(PkceErrorCodes.CALLBACK_SERVER, "Cannot listen on " + where + " port " + port + " ("
				+ reason + "), so the login callback cannot be received." + hint, ex);
	}

	private static long toNanos(Duration timeout) {
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Describes a timeout the way a user would say it: "5 minutes", "30 seconds".
	 */
	static String describe(Duration duration) {
		if (!duration.isZero() && duration.toSecondsPart() == 0 && duration.toNanosPart() == 0
				&& duration.toMinutesPart() == 0 && duration.toHours() > 0) {
			return plural(duration.toHours(), "hour");
		}
		if (!duration.isZero() && duration.toSecondsPart() == 0 && duration.toNanosPart() == 0) {
			return plural(duration.toMinutes(), "minute");
		}
		if (duration.toNanosPart() == 0) {
			return plural(duration.toSeconds(), "second");
		}
		return plural(duration.toMillis(), "millisecond");
	}

	private static String plural(long count, String unit) {
		return count + " " + unit + ((count == 1) ? "" : "s");
	}

	/**
	 * Daemon threads, so that an abandoned server never keeps the JVM alive through them.
	 */
	private static final class CallbackThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "pkce-callback-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
