package io.github.pkce.test;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends Tomcat's {@code java.util.logging} output to Logback, as Spring Boot's logging
 * system would in an application: the embedded server leaves logging alone.
 *
 * @author pkce-spring-boot
 */
final class TestLogging {

	private TestLogging() {
	}

	static synchronized void routeJavaUtilLogging() {
		if (!SLF4JBridgeHandler.isInstalled()) {
			SLF4JBridgeHandler.removeHandlersForRootLogger();
			SLF4JBridgeHandler.install();
		}
	}

}
