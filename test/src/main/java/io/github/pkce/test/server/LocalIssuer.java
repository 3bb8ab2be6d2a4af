package io.github.pkce.test.server;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The issuer identifier, known once the web server has bound its port. The host is always
 * the {@code 127.0.0.1} literal: the connector reports it whatever host name a client
 * used, so discovery, tokens and this value agree (RFC 8414 section 3.3).
 *
 * @author pkce-spring-boot
 */
final class LocalIssuer implements ApplicationListener<WebServerInitializedEvent> {

	static final String HOST = "127.0.0.1";

	private volatile @Nullable String issuer;

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		this.issuer = "http://" + HOST + ":" + event.getWebServer().getPort();
	}

	/**
	 * Returns the issuer identifier.
	 * @return the issuer, or {@code null} before the server has started
	 */
	@Nullable String get() {
		return this.issuer;
	}

}
