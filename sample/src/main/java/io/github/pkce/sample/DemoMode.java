package io.github.pkce.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Demo mode, when the {@value #PROFILE} profile is active ({@code --demo}, the
 * {@code demo} command, or {@code spring.profiles.active=demo}): starts the test kit's
 * {@link EmbeddedAuthorizationServer} on {@code 127.0.0.1}, port {@value #PORT}
 * ({@code 9000} by default, {@code 0} for any free one), with the user {@code alice} /
 * {@code password}, and points the program at it: its issuer and client id, its origin as
 * the endpoint (so its {@code /api/me} gets the token), credentials in memory only (the
 * demo never touches the keyring or the user's files: each run has a server of its own
 * anyway), and the browser login. With {@value #AUTO_SIGN_IN} ({@code --auto-sign-in})
 * the test kit's {@link ScriptedBrowser} signs in as the demo user, so that the demo also
 * runs where no browser can be opened; otherwise the system browser opens, and the
 * sign-in URL is printed.
 * <p>
 * Command-line arguments still override these settings; environment variables and
 * configuration files do not, so a configured real provider never mixes with the demo.
 *
 * @author pkce-spring-boot
 */
final class DemoMode implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The profile that switches demo mode on. */
	static final String PROFILE = "demo";

	/** The property holding the port of the demo identity provider. */
	static final String PORT = "sample.demo.port";

	/** The property that lets the scripted browser sign in. */
	static final String AUTO_SIGN_IN = "sample.demo.auto-sign-in";

	/** The port of the demo identity provider unless {@value #PORT} says otherwise. */
	static final int DEFAULT_PORT = 9000;

	static final String SERVER_BEAN_NAME = "demoAuthorizationServer";

	static final String BROWSER_BEAN_NAME = "demoBrowser";

	private final PrintStream err;

	DemoMode() {
		this(System.err);
	}

	DemoMode(PrintStream err) {
		this.err = err;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		boolean autoSignIn = environment.getProperty(AUTO_SIGN_IN, Boolean.class, false);
		if (!environment.matchesProfiles(PROFILE)) {
			if (autoSignIn) {
				this.err.println("Warning: --auto-sign-in works in demo mode only (add --demo); ignored.");
			}
			return;
		}
		int port = environment.getProperty(PORT, Integer.class, DEFAULT_PORT);
		this.err.println("Starting the demo identity provider on "
				+ ((port != 0) ? "http://127.0.0.1:" + port : "a free port of 127.0.0.1") + " ...");
		EmbeddedAuthorizationServer server = start(port);
		DefaultListableBeanFactory beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
		beanFactory.registerSingleton(SERVER_BEAN_NAME, server);
		// stopped with the context, or when a failed start destroys the beans
		beanFactory.registerDisposableBean(SERVER_BEAN_NAME, server::close);
		addProperties(environment.getPropertySources(), server);
		if (autoSignIn) {
			RootBeanDefinition browser = new RootBeanDefinition(ScriptedBrowser.class,
					() -> ScriptedBrowser.signingInAs(EmbeddedAuthorizationServer.DEFAULT_USERNAME,
							EmbeddedAuthorizationServer.DEFAULT_PASSWORD));
			browser.setPrimary(true);
			beanFactory.registerBeanDefinition(BROWSER_BEAN_NAME, browser);
			this.err.println("Demo identity provider ready at " + server.issuer() + "; signing in automatically as '"
					+ EmbeddedAuthorizationServer.DEFAULT_USERNAME + "'.");
		}
		else {
			this.err.println("Demo identity provider ready at " + server.issuer() + "; sign in as '"
					+ EmbeddedAuthorizationServer.DEFAULT_USERNAME + "' with password '"
					+ EmbeddedAuthorizationServer.DEFAULT_PASSWORD + "'.");
		}
	}

	private static EmbeddedAuthorizationServer start(int port) {
		if (port != 0) {
			// a quick look first spares the user the server's own start-up failure report
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				socket.setReuseAddress(true);
			}
			catch (IOException ex) {
				throw new DemoServerException(port, "port " + port + " of 127.0.0.1 is in use", ex);
			}
		}
		try {
			return EmbeddedAuthorizationServer.builder().port(port).pushedAuthorizationRequests(true).start();
		}
		catch (IllegalStateException ex) {
			throw new DemoServerException(port, ex.getMessage(), ex);
		}
	}

	private static void addProperties(MutablePropertySources sources, EmbeddedAuthorizationServer server) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("auth.pkce.issuer-uri", server.issuer().toString());
		properties.put("auth.pkce.client-id", server.clientId());
		properties.put("auth.pkce.endpoint", server.issuer().toString());
		properties.put("auth.pkce.scopes", "openid,profile,offline_access");
		properties.put("auth.pkce.store.type", "memory");
		properties.put("auth.pkce.login.method", "browser");
		MapPropertySource demo = new MapPropertySource("demo", properties);
		if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, demo);
		}
		else {
			sources.addFirst(demo);
		}
	}

}
