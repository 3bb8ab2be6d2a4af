package io.github.pkce.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server of another origin than the configured endpoint, recording the
 * {@code Authorization} header of each request: {@code /hello} answers 200, anything else
 * 404.
 */
final class ForeignServer implements AutoCloseable {

	private final HttpServer server;

	private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();

	private ForeignServer(HttpServer server) {
		this.server = server;
	}

	static ForeignServer start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		ForeignServer foreign = new ForeignServer(server);
		server.createContext("/", (exchange) -> {
			foreign.authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
			boolean hello = "/hello".equals(exchange.getRequestURI().getPath());
			byte[] body = (hello ? "{\"greeting\":\"hello\"}" : "{\"error\":\"not_found\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(hello ? 200 : 404, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return foreign;
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	/**
	 * Returns the {@code Authorization} header of each request received, in order.
	 * @return the headers, empty where a request had none
	 */
	List<Optional<String>> authorizations() {
		return List.copyOf(this.authorizations);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
