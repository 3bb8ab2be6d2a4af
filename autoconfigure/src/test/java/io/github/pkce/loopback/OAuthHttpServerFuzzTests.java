package io.github.pkce.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.FuzzStatistics;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test for {@link OAuthHttpServer} over a real socket: whatever bytes a local client
 * sends, the server answers with one well-formed, complete response that ends the
 * connection (or closes without a word when no request started), and keeps serving. A
 * response that accepted the login is followed by a new server, so that every input meets
 * a waiting one.
 */
class OAuthHttpServerFuzzTests {

	private static final String STATE = "fuzz-state-7c1e";

	private static final String PLACEHOLDER = "127.0.0.1:0";

	private static final Set<Integer> STATUSES = Set.of(200, 303, 400, 404, 405, 414, 421, 431, 505);

	private static OAuthHttpServer server = start();

	@AfterAll
	static void closeServer() {
		server.close();
	}

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	@FuzzTest
	// libFuzzer dictionary syntax: \xNN for a line break or a quote
	@DictionaryEntries({ "GET ", "HEAD ", "OPTIONS ", "POST ", " HTTP/1.1\\x0D\\x0A", " HTTP/1.0\\x0D\\x0A",
			"Host: 127.0.0.1:0\\x0D\\x0A", "\\x0D\\x0A", "\\x0D\\x0A\\x0D\\x0A", "/callback", "/callback/done",
			"http://127.0.0.1:0", "?code=", "&state=" + STATE, "&error=", "&error_description=", "Content-Length: ",
			"Transfer-Encoding: chunked\\x0D\\x0A" })
	void rawRequest(byte[] request) throws IOException {
		statistics.count();
		// Jazzer's SSRF detector flags every connection: ours go to our own server.
		BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
		int port = server.getRedirectUri().getPort();
		String response;
		try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
			// Never longer than the server's own limits: a hang is a finding.
			socket.setSoTimeout(OAuthHttpServer.CONNECTION_LIFETIME_MILLIS + 5_000);
			socket.getOutputStream().write(withPort(request, port));
			socket.shutdownOutput();
			InputStream input = socket.getInputStream();
			response = new String(input.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		if (response.isEmpty()) {
			// Only a connection that ended before a request line may go unanswered.
			for (byte b : request) {
				assertThat(b).isIn((byte) '\r', (byte) '\n');
			}
		}
		else {
			assertWellFormed(response);
		}
		if (accepted()) {
			server.close();
			server = start();
		}
	}

	/**
	 * Puts the server's port into {@code 127.0.0.1:0}, as written in the saved inputs, so
	 * that requests can get past the {@code Host} check.
	 */
	private static byte[] withPort(byte[] request, int port) {
		String text = new String(request, StandardCharsets.ISO_8859_1);
		return text.replace(PLACEHOLDER, "127.0.0.1:" + port).getBytes(StandardCharsets.ISO_8859_1);
	}

	private static void assertWellFormed(String response) {
		int end = response.indexOf("\r\n\r\n");
		assertThat(end).isPositive();
		String[] lines = response.substring(0, end).split("\r\n");
		assertThat(lines[0]).matches("HTTP/1\\.1 \\d{3} [A-Za-z ]+");
		int status = Integer.parseInt(lines[0].substring(9, 12));
		assertThat(status).isIn(STATUSES);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(": ");
			assertThat(colon).isPositive();
			assertThat(headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 2))).isNull();
		}
		assertThat(headers).containsEntry("Connection", "close")
			.containsEntry("Cache-Control", "no-store")
			.containsEntry("Referrer-Policy", "no-referrer")
			.containsKey("Content-Length");
		assertThat(headers.keySet()).noneMatch((name) -> name.startsWith("Access-Control-"));
		int length = Integer.parseInt(headers.get("Content-Length"));
		String body = response.substring(end + 4);
		assertThat(body.getBytes(StandardCharsets.ISO_8859_1).length).isIn(0, length);
		if (status == 303) {
			assertThat(headers).containsEntry("Location", "/callback/done");
		}
	}

	private static boolean accepted() {
		try {
			assertThat(server.awaitAuthorizationCode(Duration.ZERO).state()).isEqualTo(STATE);
			return true;
		}
		catch (PkceException ex) {
			assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT);
			return false;
		}
	}

	private static boolean isLoopback(String host) {
		return host.equals("localhost") || host.equals("127.0.0.1");
	}

	private static OAuthHttpServer start() {
		return OAuthHttpServer.start(URI.create("http://127.0.0.1:0/callback"), STATE, EndpointMetadata.defaults());
	}

}
