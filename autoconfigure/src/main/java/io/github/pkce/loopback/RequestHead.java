package io.github.pkce.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The request line and the {@code Host} header fields of an HTTP/1.1 request (RFC 9112),
 * which is all the loopback server looks at: it never reads a body.
 * <p>
 * {@link #read(InputStream)} collects the bytes up to the empty line that ends the header
 * section, at most {@link #MAX_SIZE} of them; {@link #parse(byte[])} checks them
 * strictly, because any local process can send anything: one method token, a request
 * target of visible ASCII characters in origin form ({@code /path?query}), absolute form
 * ({@code http://host:port/path?query}) or asterisk form ({@code *}), {@code HTTP/1.1} or
 * {@code HTTP/1.0}, header fields as {@code name: value} with no obsolete line folding
 * and no control characters. Whatever does not fit is refused with an
 * {@link HttpRequestException} that carries the status to answer.
 *
 * @param method the request method, such as {@code GET}
 * @param rawPath the path of the request target, still percent-encoded; {@code *} for the
 * asterisk form
 * @param rawQuery the query of the request target, still percent-encoded, or {@code null}
 * when the target has no {@code ?}
 * @param authority the authority of an absolute-form target, or {@code null}
 * @param hosts the values of the {@code Host} header fields, in order
 * @param fetchSite the first {@code Sec-Fetch-Site} header field in lower case, such as
 * {@code none} for an address the user opened or typed, or {@code null} when the client
 * sent none (Fetch Metadata, W3C)
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-2.2">RFC 9112 section
 * 2.2</a>
 */
record RequestHead(String method, String rawPath, @Nullable String rawQuery, @Nullable String authority,
		List<String> hosts, @Nullable String fetchSite) {

	/**
	 * The largest request line plus header section read, in bytes (8 KiB). An
	 * authorization response is a few hundred bytes; a browser's headers a few more.
	 */
	static final int MAX_SIZE = 8 * 1024;

	private static final String HTTP_SCHEME = "http://";

	RequestHead {
		hosts = List.copyOf(hosts);
	}

	/**
	 * Creates a request head without a {@code Sec-Fetch-Site} field.
	 * @param method the request method
	 * @param rawPath the raw path
	 * @param rawQuery the raw query
	 * @param authority the authority of an absolute-form target
	 * @param hosts the values of the {@code Host} header fields
	 */
	RequestHead(String method, String rawPath, @Nullable String rawQuery, @Nullable String authority,
			List<String> hosts) {
		this(method, rawPath, rawQuery, authority, hosts, null);
	}

	/**
	 * Reads the request line and the header section, up to and including the empty line
	 * that ends it. Empty lines before the request line are skipped (RFC 9112 section
	 * 2.2); bytes after the header section (a body, a pipelined request) stay unread or
	 * are ignored.
	 * @param input the connection's input
	 * @return the bytes read, or {@code null} if the connection ended before the first
	 * byte of a request line
	 * @throws HttpRequestException with status 414 when the request line alone, or 431
	 * when the request line and header fields, exceed {@link #MAX_SIZE} bytes, or 400
	 * when the connection ended in the middle of them
	 * @throws IOException when reading fails, for example on a read timeout
	 */
	static byte @Nullable [] read(InputStream input) throws IOException, HttpRequestException {
		byte[] buffer = new byte[MAX_SIZE];
		int length = 0;
		int lineStart = 0;
		boolean requestLineSeen = false;
		while (true) {
			if (length == buffer.length) {
				throw new HttpRequestException(requestLineSeen ? 431 : 414);
			}
			int count = input.read(buffer, length, buffer.length - length);
			if (count < 0) {
				if (requestLineSeen || length > lineStart) {
					throw new HttpRequestException(400);
				}
				return null;
			}
			for (int i = length; i < length + count; i++) {
				if (buffer[i] != '\n') {
					continue;
				}
				int lineEnd = (i > lineStart && buffer[i - 1] == '\r') ? i - 1 : i;
				if (lineEnd > lineStart) {
					requestLineSeen = true;
				}
				else if (requestLineSeen) {
					return Arrays.copyOf(buffer, i + 1);
				}
				lineStart = i + 1;
			}
			length += count;
		}
	}

	/**
	 * Parses a request line and header section as returned by {@link #read(InputStream)};
	 * a final empty line is optional.
	 * @param bytes the bytes of the request line and header fields
	 * @return the request head
	 * @throws HttpRequestException with status 400 when the bytes are not a well-formed
	 * HTTP/1.x request head, 505 for another major version of HTTP, 414 or 431 when they
	 * are longer than {@link #MAX_SIZE}
	 */
	static RequestHead parse(byte[] bytes) throws HttpRequestException {
		if (bytes.length > MAX_SIZE) {
			throw new HttpRequestException(431);
		}
		// Header fields are ISO-8859-1 at most (RFC 9110 section 5.5); the request target
		// is checked to be ASCII below.
		List<String> lines = lines(new String(bytes, StandardCharsets.ISO_8859_1));
		int index = 0;
		while (index < lines.size() && lines.get(index).isEmpty()) {
			index++;
		}
		if (index == lines.size()) {
			throw new HttpRequestException(400);
		}
		String[] requestLine = lines.get(index++).split(" ", -1);
		if (requestLine.length != 3 || !isToken(requestLine[0])) {
			throw new HttpRequestException(400);
		}
		checkVersion(requestLine[2]);
		List<String> hosts = new ArrayList<>(1);
		String fetchSite = null;
		for (; index < lines.size(); index++) {
			String line = lines.get(index);
			if (line.isEmpty()) {
				break;
			}
			String value = parseField(line);
			String name = line.substring(0, line.indexOf(':'));
			if (name.equalsIgnoreCase("Host")) {
				hosts.add(value);
			}
			else if (name.equalsIgnoreCase("Sec-Fetch-Site") && fetchSite == null) {
				fetchSite = value.toLowerCase(java.util.Locale.ROOT);
			}
		}
		for (index++; index < lines.size(); index++) {
			if (!lines.get(index).isEmpty()) {
				// Nothing may follow the empty line that ends the header section.
				throw new HttpRequestException(400);
			}
		}
		return target(requestLine[0], requestLine[1], hosts, fetchSite);
	}

	private static List<String> lines(String text) throws HttpRequestException {
		List<String> lines = new ArrayList<>();
		int start = 0;
		while (start < text.length()) {
			int newline = text.indexOf('\n', start);
			int end = (newline >= 0) ? newline : text.length();
			int contentEnd = (end > start && text.charAt(end - 1) == '\r') ? end - 1 : end;
			String line = text.substring(start, contentEnd);
			if (line.indexOf('\r') >= 0) {
				// A bare CR is not a line break (RFC 9112 section 2.2): refuse it rather
				// than
				// guess.
				throw new HttpRequestException(400);
			}
			lines.add(line);
			start = end + 1;
		}
		return lines;
	}

	private static void checkVersion(String version) throws HttpRequestException {
		if (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) {
			return;
		}
		if (version.length() == 8 && version.startsWith("HTTP/") && isDigit(version.charAt(5))
				&& version.charAt(6) == '.' && isDigit(version.charAt(7))) {
			throw new HttpRequestException(505);
		}
		throw new HttpRequestException(400);
	}

	/**
	 * Checks a header field line and returns its value if it is a {@code Host} field.
	 */
	private static String parseField(String line) throws HttpRequestException {
		int colon = line.indexOf(':');
		// No obsolete line folding, and no white space between the name and the colon
		// (RFC 9112 sections 5.1 and 5.2): both have served request smuggling.
		if (colon <= 0 || !isToken(line.substring(0, colon))) {
			throw new HttpRequestException(400);
		}
		String value = line.substring(colon + 1);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				throw new HttpRequestException(400);
			}
		}
		return strip(value);
	}

	private static RequestHead target(String method, String target, List<String> hosts, @Nullable String fetchSite)
			throws HttpRequestException {
		if (target.isEmpty()) {
			throw new HttpRequestException(400);
		}
		for (int i = 0; i < target.length(); i++) {
			char c = target.charAt(i);
			// Visible ASCII only; a fragment never reaches a server.
			if (c <= 0x20 || c >= 0x7f || c == '#') {
				throw new HttpRequestException(400);
			}
		}
		if (target.equals("*")) {
			return new RequestHead(method, target, null, null, hosts, fetchSite);
		}
		String authority = null;
		String pathAndQuery = target;
		if (target.regionMatches(true, 0, HTTP_SCHEME, 0, HTTP_SCHEME.length())) {
			String rest = target.substring(HTTP_SCHEME.length());
			int end = 0;
			while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
				end++;
			}
			authority = rest.substring(0, end);
			if (authority.isEmpty()) {
				throw new HttpRequestException(400);
			}
			pathAndQuery = rest.substring(end);
			if (pathAndQuery.isEmpty() || pathAndQuery.charAt(0) == '?') {
				pathAndQuery = "/" + pathAndQuery;
			}
		}
		else if (target.charAt(0) != '/') {
			throw new HttpRequestException(400);
		}
		int question = pathAndQuery.indexOf('?');
		String path = (question >= 0) ? pathAndQuery.substring(0, question) : pathAndQuery;
		String query = (question >= 0) ? pathAndQuery.substring(question + 1) : null;
		return new RequestHead(method, path, query, authority, hosts, fetchSite);
	}

	private static boolean isToken(String text) {
		if (text.isEmpty()) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
			if (!tchar) {
				return false;
			}
		}
		return true;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static String strip(String value) {
		int start = 0;
		int end = value.length();
		while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
			start++;
		}
		while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
			end--;
		}
		return value.substring(start, end);
	}

}
