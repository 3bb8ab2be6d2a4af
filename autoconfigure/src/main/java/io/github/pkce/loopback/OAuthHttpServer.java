package io.github.pkce.loopback;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>
 * Every process on this machine and every page in the user's browser can reach the port
 * while the login runs, so the server is a small HTTP/1.1 server of its own, built to
 * keep serving the browser whatever else connects: it reads no more than 8 KiB of request
 * line and header fields ({@code 414} or {@code 431} beyond) and never a body, gives a
 * connection 5 seconds for each read and 10 seconds in all, answers only {@code GET} (see
 * {@link OAuthCallbackHandler}), ends every connection after one response, and holds at
 * most 32 connections: one more closes the oldest connection that has not yet sent a
 * complete request, so idle or trickling connections (slowloris) give way to the
 * browser's, which sends its request at once, instead of shutting it out. Nothing is
 * logged about requests: their URLs carry the authorization code.
 * <p>
 * The accepted response is answered with a redirect to a page without the code or the
 * {@code state} in its URL ({@code /callback/done} for {@code /callback}). So that the
 * browser can follow it, {@link #close()} keeps the server up until that page has been
 * sent, or for 3 seconds after the response at most.
 * <p>
 * Thread-safe: any thread may call {@link #awaitAuthorizationCode(Duration)} and
 * {@link #close()}. Connections are accepted by a daemon thread named
 * {@code pkce-callback-accept} and served by daemon threads named
 * {@code pkce-callback-N}, so an abandoned server never keeps the JVM alive.
 *
 * @author pkce-spring-boot
 * @see OAuthCallbackHandler
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 section
 * 7.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-8.3">RFC 8252 section
 * 8.3</a>
 */
public final class OAuthHttpServer implements AutoCloseable {

	/**
	 * Connections held at once: a browser opens up to six per host, and each costs a
	 * thread.
	 */
	static final int MAX_CONNECTIONS = 32;

	/** How long one read may wait for bytes. */
	static final int READ_TIMEOUT_MILLIS = 5_000;

	/** How long a connection may live in all, from accept to close. */
	static final int CONNECTION_LIFETIME_MILLIS = 10_000;

	/** How long after the accepted response a closed server still serves its page. */
	static final int DONE_PAGE_GRACE_MILLIS = 3_000;

	/** How often the accepting thread wakes up to end expired connections. */
	private static final int TICK_MILLIS = 250;

	/** How much of an unread request body is drained before closing. */
	private static final int DRAIN_LIMIT = 64 * 1024;

	private static final int DRAIN_TIMEOUT_MILLIS = 1_000;

	private static final int BACKLOG = 256;

	private static final int STOP_TIMEOUT_MILLIS = 2_000;

	private static final byte[] IPV4_LOOPBACK = { 127, 0, 0, 1 };

	private static final byte[] IPV6_LOOPBACK = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	private static final String EXAMPLE = "http://127.0.0.1:0/callback";

	private final ServerSocket serverSocket;

	private final OAuthCallbackHandler handler;

	private final URI redirectUri;

	private final Connections connections = new Connections(MAX_CONNECTIONS);

	private final ThreadPoolExecutor workers;

	private final Thread acceptor;

	private final Object closeLock = new Object();

	private boolean closed;

	/** Set by {@link #close()} while the page of the accepted response is still due. */
	private volatile long lingerDeadline;

	private volatile boolean lingering;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private OAuthHttpServer(ServerSocket serverSocket, OAuthCallbackHandler handler, URI redirectUri) {
		this.serverSocket = serverSocket;
		this.handler = handler;
		this.redirectUri = redirectUri;
		CallbackThreadFactory threads = new CallbackThreadFactory();
		// Bounded by the connections held, plus those just evicted and finishing.
		this.workers = new ThreadPoolExecutor(0, 4 * MAX_CONNECTIONS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
				threads);
		this.acceptor = new Thread(this::acceptConnections, "pkce-callback-accept");
		this.acceptor.setDaemon(true);
	}

	/**
	 * Starts listening for the authorization response.
	 * @param redirectUri the configured redirect URI, one that {@link LoopbackRedirect}
	 * accepts ({@code http}, a host of {@code 127.0.0.1}, {@code [::1]} or
	 * {@code localhost}, no user information, query or fragment) with a port ({@code 0}
	 * for a free port chosen now, RFC 8252 section 7.3) and the callback path ({@code /}
	 * if empty)
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
		ServerSocket serverSocket = bind(address, redirectUri.getPort());
		try {
			int port = serverSocket.getLocalPort();
			String authority = host + ":" + port;
			// A browser leaves out the default port from the Host header.
			Set<String> authorities = (port == 80)
					? Set.of(authority.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))
					: Set.of(authority.toLowerCase(Locale.ROOT));
			OAuthCallbackHandler handler = new OAuthCallbackHandler(path, authorities, expectedState, pages);
			URI advertised = URI.create(redirectUri.getScheme() + "://" + authority + path);
			serverSocket.setSoTimeout(TICK_MILLIS);
			OAuthHttpServer server = new OAuthHttpServer(serverSocket, handler, advertised);
			server.acceptor.start();
			return server;
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(serverSocket);
			if (ex instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw cannotListen(address.getHostAddress(), redirectUri.getPort(), String.valueOf(ex.getMessage()),
					(IOException) ex);
		}
	}

	/**
	 * Serves a start address on this server that sends the browser on to the
	 * authorization request, made when the browser arrives: a request that must be used
	 * soon after it is made (such as a pushed authorization request, RFC 9126) is then
	 * fresh whenever the user opens the address.
	 * @param target gives the authorization request URI at each visit; a
	 * {@link PkceException} it throws ends the login with its code and message
	 * @return the start address, such as {@code http://127.0.0.1:53682/callback/start}
	 */
	public URI startAt(java.util.function.Supplier<URI> target) {
		Objects.requireNonNull(target, "target cannot be null");
		String path = this.handler.startAt(target);
		return URI.create(this.redirectUri.getScheme() + "://" + this.redirectUri.getRawAuthority() + path);
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
	 * Stops the server and ends a wait in progress with
	 * {@link PkceErrorCodes#LOGIN_CANCELLED} unless a response was already accepted. Can
	 * be called more than once and from any thread. When it returns, the port is free,
	 * unless the browser has yet to fetch the page it was redirected to after the
	 * accepted response: the server then stays up in the background until that page has
	 * been sent, or for 3 seconds after the response at most, without keeping the JVM
	 * alive.
	 */
	@Override
	public void close() {
		synchronized (this.closeLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		this.handler.cancel();
		Long acceptedAt = this.handler.acceptedAt();
		if (acceptedAt == null || this.handler.result().isCancelled()) {
			stop();
			return;
		}
		if (this.handler.donePageRequested().isDone()) {
			// On its way: a matter of microseconds, unless the browser stopped reading.
			awaitQuietly(this.handler.donePageSent());
			stop();
			return;
		}
		long deadline = acceptedAt + TimeUnit.MILLISECONDS.toNanos(DONE_PAGE_GRACE_MILLIS);
		if (System.nanoTime() - deadline >= 0) {
			stop();
			return;
		}
		this.lingerDeadline = deadline;
		this.lingering = true;
		// The page may have been asked for in the meantime, with no one left to notice.
		if (this.handler.donePageRequested().isDone()) {
			awaitQuietly(this.handler.donePageSent());
			stop();
		}
	}

	private static void awaitQuietly(CompletableFuture<Void> future) {
		try {
			future.get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// stop anyway
		}
	}

	/**
	 * Frees the port and ends every connection.
	 */
	private void stop() {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		closeQuietly(this.serverSocket);
		this.connections.closeAll();
		// Their connections are closed: the workers end by themselves.
		this.workers.shutdown();
		if (Thread.currentThread() != this.acceptor) {
			// The socket is released only once the thread blocked in accept() has woken
			// up: wait for it, so that the port is free when this returns. Also when this
			// thread was interrupted (a cancelled login closes the server from exactly
			// such
			// a thread): the wait is short and bounded, and the flag is restored after
			// it.
			boolean interrupted = Thread.interrupted();
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
			while (this.acceptor.isAlive() && System.nanoTime() - deadline < 0) {
				try {
					this.acceptor.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void acceptConnections() {
		while (!this.stopped.get()) {
			Socket socket = null;
			try {
				socket = this.serverSocket.accept();
			}
			catch (SocketTimeoutException ex) {
				// a tick: time to end expired connections
			}
			catch (IOException ex) {
				if (this.stopped.get()) {
					return;
				}
				// Out of file descriptors, for example: do not spin.
				pause();
			}
			long now = System.nanoTime();
			this.connections.closeExpired(now - TimeUnit.MILLISECONDS.toNanos(CONNECTION_LIFETIME_MILLIS));
			if (this.lingering && now - this.lingerDeadline >= 0) {
				stop();
			}
			if (socket != null) {
				admit(new Connection(socket, now));
			}
		}
	}

	private void admit(Connection connection) {
		if (!this.connections.add(connection)) {
			connection.abort();
			return;
		}
		try {
			this.workers.execute(() -> serve(connection));
		}
		catch (RejectedExecutionException ex) {
			this.connections.remove(connection);
			connection.abort();
		}
	}

	private void serve(Connection connection) {
		Socket socket = connection.socket;
		try (socket) {
			socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			socket.setTcpNoDelay(true);
			exchange(socket.getInputStream(), new BufferedOutputStream(socket.getOutputStream(), 8192), this.handler,
					connection::markBusy);
			connection.markIdle();
			drain(socket);
		}
		catch (IOException ex) {
			// The client went away, was too slow or was evicted: nothing to tell anyone.
		}
		finally {
			this.connections.remove(connection);
			if (this.lingering && this.handler.donePageSent().isDone()) {
				stop();
			}
		}
	}

	/**
	 * Reads one request from a connection, answers it and flushes the answer.
	 * @param input the connection's input
	 * @param output the connection's output
	 * @param handler answers requests that could be read
	 * @param requestRead called once a complete request head has been read, before it is
	 * handled
	 * @throws IOException when reading or writing fails; the answer to the accepted
	 * response still completes the wait
	 */
	static void exchange(InputStream input, OutputStream output, OAuthCallbackHandler handler, Runnable requestRead)
			throws IOException {
		LoopbackResponse response;
		try {
			byte[] head = RequestHead.read(input);
			if (head == null) {
				return;
			}
			requestRead.run();
			response = handler.handle(RequestHead.parse(head));
		}
		catch (HttpRequestException ex) {
			response = LoopbackResponse.error(ex.status());
		}
		catch (RuntimeException ex) {
			// A bug of ours: answer, so that the browser is not left hanging, and say
			// nothing more (the request may carry the code).
			response = LoopbackResponse.error(500);
		}
		response.writeTo(output);
	}

	/**
	 * Reads what the client still sends (a request body we did not want) before closing:
	 * closing a socket with unread bytes resets the connection, and the client may then
	 * lose the response.
	 */
	private static void drain(Socket socket) throws IOException {
		socket.shutdownOutput();
		socket.setSoTimeout(DRAIN_TIMEOUT_MILLIS);
		InputStream input = socket.getInputStream();
		byte[] buffer = new byte[4096];
		int total = 0;
		int count;
		while (total < DRAIN_LIMIT && (count = input.read(buffer)) >= 0) {
			total += count;
		}
	}

	private static void pause() {
		try {
			Thread.sleep(TICK_MILLIS / 5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void closeQuietly(ServerSocket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to free
		}
	}

	/**
	 * Checks that the redirect URI is one we can serve safely.
	 * @return the host as written in the URI, such as {@code [::1]}
	 */
	private static String checkLoopback(URI uri) {
		String problem = LoopbackRedirect.problem(uri);
		if (problem != null) {
			throw invalidUri(uri, problem);
		}
		// the configuration gives port 0 to a URI without one; here a port must be bound
		if (uri.getPort() == -1) {
			throw invalidUri(uri, "it has no port; use port 0 so that a free port is chosen, or a fixed port "
					+ "(RFC 8252 section 7.3)");
		}
		return uri.getHost();
	}

	private static PkceException invalidUri(URI uri, String reason) {
		return new PkceException(PkceErrorCodes.CALLBACK_SERVER, "The redirect URI " + uri
				+ " cannot be used for the login callback: " + reason + ", for example " + EXAMPLE + ".");
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

	private static ServerSocket bind(InetAddress address, int port) {
		String where = address.getHostAddress().equals("0:0:0:0:0:0:0:1") ? "::1" : address.getHostAddress();
		try {
			// The platform's default for SO_REUSEADDR: on Windows it would let another
			// program bind the same port and take the callback.
			return new ServerSocket(port, BACKLOG, address);
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
	 * A connection and what the server knows about it.
	 */
	private static final class Connection {

		private final Socket socket;

		private final long acceptedAt;

		private volatile boolean busy;

		Connection(Socket socket, long acceptedAt) {
			this.socket = socket;
			this.acceptedAt = acceptedAt;
		}

		void markBusy() {
			this.busy = true;
		}

		void markIdle() {
			this.busy = false;
		}

		void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

		/**
		 * Closes the connection at once, with a reset: it is being dropped.
		 */
		void abort() {
			try {
				this.socket.setSoLinger(true, 0);
			}
			catch (IOException ex) {
				// closed already
			}
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

	}

	/**
	 * The connections held, oldest first. When full, a new connection takes the place of
	 * the oldest one that is not being answered: the browser's connection sends its
	 * request at once, so connections held open without a complete request cannot crowd
	 * it out.
	 */
	private static final class Connections {

		private final int capacity;

		private final Set<Connection> open = new LinkedHashSet<>();

		private boolean closed;

		Connections(int capacity) {
			this.capacity = capacity;
		}

		/**
		 * Adds a connection, evicting the oldest idle one when full.
		 * @return whether the connection was added
		 */
		boolean add(Connection connection) {
			Connection evicted = null;
			synchronized (this) {
				if (this.closed) {
					return false;
				}
				if (this.open.size() >= this.capacity) {
					for (Iterator<Connection> iterator = this.open.iterator(); iterator.hasNext();) {
						Connection candidate = iterator.next();
						if (!candidate.busy) {
							iterator.remove();
							evicted = candidate;
							break;
						}
					}
					if (evicted == null) {
						return false;
					}
				}
				this.open.add(connection);
			}
			if (evicted != null) {
				evicted.abort();
			}
			return true;
		}

		synchronized void remove(Connection connection) {
			this.open.remove(connection);
		}

		/**
		 * Ends the connections accepted before a point in time, busy or not: a client
		 * that does not read its answer must not hold a thread forever.
		 */
		void closeExpired(long acceptedBefore) {
			List<Connection> expired = new ArrayList<>();
			synchronized (this) {
				for (Iterator<Connection> iterator = this.open.iterator(); iterator.hasNext();) {
					Connection connection = iterator.next();
					if (connection.acceptedAt - acceptedBefore >= 0) {
						// accepted in order: the rest are younger
						break;
					}
					iterator.remove();
					expired.add(connection);
				}
			}
			expired.forEach(Connection::abort);
		}

		void closeAll() {
			List<Connection> all;
			synchronized (this) {
				this.closed = true;
				all = new ArrayList<>(this.open);
				this.open.clear();
			}
			// Not a reset: a page just written must still reach the browser.
			all.forEach(Connection::close);
		}

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
