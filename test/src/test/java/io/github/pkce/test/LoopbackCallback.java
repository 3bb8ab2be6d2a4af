package io.github.pkce.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny loopback redirect receiver standing in for the library's own: it records the
 * query of the first request to {@code /callback} and answers with a fixed page.
 *
 * @author pkce-spring-boot
 */
final class LoopbackCallback implements AutoCloseable {

	private final HttpServer server;

	private final URI redirectUri;

	private final CompletableFuture<Map<String, String>> parameters = new CompletableFuture<>();

	private LoopbackCallback(InetAddress address, int status) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(address, 0), 0);
		this.server.createContext("/callback", (exchange) -> answer(exchange, status));
		this.server.start();
		String host = address.getHostAddress().contains(":") ? "[::1]" : address.getHostAddress();
		this.redirectUri = URI.create("http://" + host + ":" + this.server.getAddress().getPort() + "/callback");
	}

	static LoopbackCallback start() throws IOException {
		return new LoopbackCallback(InetAddress.getByName("127.0.0.1"), 200);
	}

	static LoopbackCallback start(InetAddress address, int status) throws IOException {
		return new LoopbackCallback(address, status);
	}

	URI redirectUri() {
		return this.redirectUri;
	}

	Map<String, String> await() throws InterruptedException, ExecutionException, TimeoutException {
		return this.parameters.get(5, TimeUnit.SECONDS);
	}

	boolean received() {
		return this.parameters.isDone();
	}

	private void answer(HttpExchange exchange, int status) throws IOException {
		Map<String, String> query = new LinkedHashMap<>();
		String raw = exchange.getRequestURI().getRawQuery();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int equals = pair.indexOf('=');
				String name = (equals < 0) ? pair : pair.substring(0, equals);
				String value = (equals < 0) ? "" : pair.substring(equals + 1);
				query.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
						URLDecoder.decode(value, StandardCharsets.UTF_8));
			}
		}
		this.parameters.complete(query);
		byte[] body = "<!DOCTYPE html><html><body><p>Callback received. You may close this window.</p></body></html>"
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
