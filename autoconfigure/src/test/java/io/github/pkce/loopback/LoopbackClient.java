package io.github.pkce.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends requests to a running {@link OAuthHttpServer} the way a browser (or a hostile
 * local client) would.
 */
final class LoopbackClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client;

	private final URI base;

	/**
	 * Creates a client for the server's redirect URI that follows redirects, as a browser
	 * does.
	 * @param redirectUri the redirect URI of the server
	 */
	LoopbackClient(URI redirectUri) {
		this(redirectUri, HttpClient.Redirect.NORMAL);
	}

	private LoopbackClient(URI redirectUri, HttpClient.Redirect redirects) {
		this.base = redirectUri;
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.proxy(HttpClient.Builder.NO_PROXY)
			.connectTimeout(TIMEOUT)
			.followRedirects(redirects)
			.build();
	}

	/**
	 * Returns a client for the same server that shows redirects instead of following
	 * them.
	 */
	LoopbackClient notFollowingRedirects() {
		return new LoopbackClient(this.base, HttpClient.Redirect.NEVER);
	}

	/**
	 * Sends a GET for a path and query relative to the server's root.
	 */
	HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
		return send("GET", pathAndQuery, HttpRequest.BodyPublishers.noBody());
	}

	/**
	 * Sends a GET for the callback path with a raw query.
	 */
	HttpResponse<String> callback(String rawQuery) throws IOException, InterruptedException {
		return get(this.base.getRawPath() + "?" + rawQuery);
	}

	HttpResponse<String> send(String method, String pathAndQuery, BodyPublisher body)
			throws IOException, InterruptedException {
		URI uri = URI.create(this.base.getScheme() + "://" + this.base.getRawAuthority() + pathAndQuery);
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body).build();
		return this.client.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	/**
	 * Writes a hand-made request to 127.0.0.1 (for headers {@link HttpClient} will not
	 * send) and returns the whole response.
	 */
	static String raw(int port, String request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
