package io.github.pkce.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A response of the loopback server: always {@code text/html}, never cached, never sent
 * with a {@code Referer}, never shared across origins (no CORS header), and always the
 * last on its connection ({@code Connection: close}).
 *
 * @author pkce-spring-boot
 */
final class LoopbackResponse {

	private final int status;

	private final Map<String, String> headers;

	private final byte[] body;

	private final boolean bodyOmitted;

	private final @Nullable Runnable afterSending;

	private LoopbackResponse(int status, Map<String, String> headers, byte[] body, boolean bodyOmitted,
			@Nullable Runnable afterSending) {
		this.status = status;
		this.headers = headers;
		this.body = body;
		this.bodyOmitted = bodyOmitted;
		this.afterSending = afterSending;
	}

	/**
	 * Creates a response with an HTML page.
	 * @param status the status code
	 * @param html the page
	 * @return the response
	 */
	static LoopbackResponse page(int status, String html) {
		return new LoopbackResponse(status, Map.of(), html.getBytes(StandardCharsets.UTF_8), false, null);
	}

	/**
	 * Creates the response to a request that could not be read or parsed.
	 * @param status the status code, such as {@code 400} or {@code 431}
	 * @return the response
	 */
	static LoopbackResponse error(int status) {
		String reason = reason(status);
		return page(status, plainPage(reason, reason + "."));
	}

	/**
	 * Returns a minimal HTML page with one paragraph.
	 * @param title the title, HTML
	 * @param text the paragraph, HTML
	 * @return the page
	 */
	static String plainPage(String title, String text) {
		return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + title
				+ "</title></head>\n<body><p>" + text + "</p></body>\n</html>\n";
	}

	/**
	 * Creates a {@code 303 See Other} response that sends the browser to a path of this
	 * server with a {@code GET}.
	 * @param path the absolute path, without a query
	 * @return the response
	 */
	static LoopbackResponse seeOther(String path) {
		return new LoopbackResponse(303, Map.of("Location", path), new byte[0], false, null);
	}

	/**
	 * Returns a copy with another header field.
	 * @param name the field name
	 * @param value the field value
	 * @return the new response
	 */
	LoopbackResponse withHeader(String name, String value) {
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new LoopbackResponse(this.status, headers, this.body, this.bodyOmitted, this.afterSending);
	}

	/**
	 * Returns a copy that is sent without its body, as the answer to a {@code HEAD}.
	 * @return the new response
	 */
	LoopbackResponse withoutBody() {
		return new LoopbackResponse(this.status, this.headers, this.body, true, this.afterSending);
	}

	/**
	 * Returns a copy that runs an action once it has been written, or once writing it
	 * failed.
	 * @param action the action
	 * @return the new response
	 */
	LoopbackResponse afterSending(Runnable action) {
		return new LoopbackResponse(this.status, this.headers, this.body, this.bodyOmitted, action);
	}

	int status() {
		return this.status;
	}

	@Nullable String header(String name) {
		return this.headers.get(name);
	}

	byte[] body() {
		return this.body.clone();
	}

	/**
	 * Writes the response and flushes it, then runs the action given to
	 * {@link #afterSending(Runnable)}, even if writing failed.
	 * @param output the connection's output
	 * @throws IOException when writing fails
	 */
	void writeTo(OutputStream output) throws IOException {
		try {
			StringBuilder head = new StringBuilder(320);
			head.append("HTTP/1.1 ").append(this.status).append(' ').append(reason(this.status)).append("\r\n");
			header(head, "Content-Type", "text/html; charset=utf-8");
			header(head, "Content-Length", String.valueOf(this.body.length));
			// The pages follow a URL that carried the code: keep them out of caches and
			// keep that URL out of the Referer of anything the page links to (RFC 9700).
			header(head, "Cache-Control", "no-store");
			header(head, "Referrer-Policy", "no-referrer");
			header(head, "X-Content-Type-Options", "nosniff");
			header(head, "Connection", "close");
			this.headers.forEach((name, value) -> header(head, name, value));
			head.append("\r\n");
			output.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
			if (!this.bodyOmitted) {
				output.write(this.body);
			}
			output.flush();
		}
		finally {
			if (this.afterSending != null) {
				this.afterSending.run();
			}
		}
	}

	private static void header(StringBuilder head, String name, String value) {
		head.append(name).append(": ").append(value).append("\r\n");
	}

	static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 303 -> "See Other";
			case 400 -> "Bad Request";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 414 -> "URI Too Long";
			case 421 -> "Misdirected Request";
			case 431 -> "Request Header Fields Too Large";
			case 500 -> "Internal Server Error";
			case 505 -> "HTTP Version Not Supported";
			default -> "Error";
		};
	}

}
