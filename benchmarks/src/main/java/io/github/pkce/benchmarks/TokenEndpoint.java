package io.github.pkce.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token endpoint on {@code 127.0.0.1} that answers refresh token grants (RFC 6749
 * section 6) after a fixed delay, standing in for the round trip to a real authorization
 * server, and counts the requests. Each answer carries a new access token valid for one
 * hour and the same refresh token (no rotation, so that every client's extra refreshes
 * succeed and are counted rather than fail).
 *
 * @author pkce-spring-boot
 */
final class TokenEndpoint implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor;

	private volatile Duration delay;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private TokenEndpoint(Duration delay) throws IOException {
		this.delay = delay;
		// a backlog large enough that simultaneous connections are never dropped
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		// one thread per request, as a real server handles concurrent clients in parallel
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "token-endpoint");
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/token", this::handle);
	}

	static TokenEndpoint start(Duration delay) throws IOException {
		// As real servers do, send small responses at once (TCP_NODELAY). Without it, the
		// JDK server's separate writes of headers and body meet the client's delayed ACK
		// on
		// a reused connection and a response can stall for 40 ms. Read when the first
		// server is created.
		System.setProperty("sun.net.httpserver.nodelay", "true");
		TokenEndpoint endpoint = new TokenEndpoint(delay);
		endpoint.server.start();
		return endpoint;
	}

	/**
	 * Changes how long the endpoint takes to answer.
	 * @param delay the new delay
	 */
	void delay(Duration delay) {
		this.delay = delay;
	}

	URI uri() {
		InetSocketAddress address = this.server.getAddress();
		return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/token");
	}

	/**
	 * Returns the number of token requests since the last call, and starts counting
	 * again.
	 * @return the number of requests
	 */
	int takeRequestCount() {
		return this.requests.getAndSet(0);
	}

	/**
	 * Returns the number of requests that were not refresh token grants.
	 * @return the number of rejected requests
	 */
	int rejectedCount() {
		return this.rejected.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			int number = this.requests.incrementAndGet();
			String form;
			try (InputStream body = exchange.getRequestBody()) {
				form = new String(body.readAllBytes(), StandardCharsets.UTF_8);
			}
			sleep(this.delay);
			boolean refresh = "POST".equals(exchange.getRequestMethod()) && form.contains("grant_type=refresh_token")
					&& form.contains("refresh_token=" + Fixtures.REFRESH_TOKEN);
			if (!refresh) {
				this.rejected.incrementAndGet();
				respond(exchange, 400, "{\"error\":\"invalid_request\"}");
				return;
			}
			respond(exchange, 200,
					"{\"access_token\":\"new-access-token-" + number
							+ "\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\""
							+ Fixtures.REFRESH_TOKEN + "\"}");
		}
	}

	private static void respond(HttpExchange exchange, int status, String json) throws IOException {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
