package io.github.pkce.loopback;

/**
 * Thrown when bytes received by the loopback server are not a request it serves; carries
 * the status code to answer with. Its message never quotes the request, which may hold an
 * authorization code.
 *
 * @author pkce-spring-boot
 */
final class HttpRequestException extends Exception {

	private final int status;

	HttpRequestException(int status) {
		super("HTTP " + status, null, false, false);
		this.status = status;
	}

	/**
	 * Returns the status code to answer with.
	 * @return the status code, such as {@code 400}
	 */
	int status() {
		return this.status;
	}

}
