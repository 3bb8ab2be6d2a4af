package io.github.pkce.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers started for test classes, by owning class: the JUnit extension and the
 * Spring context customizer of one class meet here, whichever comes first starting the
 * server. The extension stops it after the class.
 *
 * @author pkce-spring-boot
 */
final class RunningServers {

	private static final Map<Class<?>, RunningServer> servers = new ConcurrentHashMap<>();

	private RunningServers() {
	}

	/**
	 * Returns the server of a declaration's owner, starting it if needed.
	 * @param declaration the declaration
	 * @return the running server and its browser
	 */
	static RunningServer obtain(EmbeddedServerDeclaration declaration) {
		return servers.computeIfAbsent(declaration.owner(),
				(owner) -> new RunningServer(declaration.start(), declaration.browser()));
	}

	/**
	 * Stops the server of a class, if one runs.
	 * @param owner the owning class
	 */
	static void stop(Class<?> owner) {
		RunningServer running = servers.remove(owner);
		if (running != null) {
			running.server().close();
		}
	}

	/**
	 * A running server and the browser that signs in to it.
	 *
	 * @param server the server
	 * @param browser the browser
	 */
	record RunningServer(EmbeddedAuthorizationServer server, ScriptedBrowser browser) {
	}

}
