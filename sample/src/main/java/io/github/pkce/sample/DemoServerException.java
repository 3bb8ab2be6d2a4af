package io.github.pkce.sample;

/**
 * Thrown when the demo identity provider cannot start, typically because its port is
 * taken.
 *
 * @author pkce-spring-boot
 */
final class DemoServerException extends RuntimeException {

	private final int port;

	DemoServerException(int port, String reason, Throwable cause) {
		super("The demo identity provider could not start: " + reason + ".", cause);
		this.port = port;
	}

	int getPort() {
		return this.port;
	}

}
