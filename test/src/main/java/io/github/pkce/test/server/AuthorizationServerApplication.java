package io.github.pkce.test.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * Starts the embedded authorization server as its own Spring Boot application, isolated
 * from the application under test: it reads no configuration file, system property or
 * environment variable, leaves the logging system alone, and registers no JMX beans.
 *
 * @author pkce-spring-boot
 */
public final class AuthorizationServerApplication {

	private AuthorizationServerApplication() {
	}

	/**
	 * Starts a server.
	 * @param options the server's settings
	 * @return the running application context; close it to stop the server
	 */
	public static ConfigurableApplicationContext run(EmbeddedServerOptions options) {
		String id = "pkce-embedded-authorization-server-" + UUID.randomUUID().toString().substring(0, 8);
		SpringApplicationBuilder builder = new SpringApplicationBuilder(AuthorizationServerConfiguration.class)
			.web(WebApplicationType.SERVLET)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.environment(isolatedEnvironment(options))
			.initializers((context) -> {
				context.setId(id);
				((GenericApplicationContext) context).registerBean(EmbeddedServerOptions.class, () -> options);
			});
		// The application under test owns the logging system: re-initialising it here
		// would reset its configuration (or keep it from applying its own later).
		List<ApplicationListener<?>> listeners = builder.application()
			.getListeners()
			.stream()
			.filter((listener) -> !(listener instanceof LoggingApplicationListener))
			.toList();
		builder.application().setListeners(listeners);
		return builder.run();
	}

	/**
	 * Returns the port the server listens on.
	 * @param context the context returned by {@link #run(EmbeddedServerOptions)}
	 * @return the bound port
	 */
	public static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * Returns the counter of the requests to the token endpoint.
	 * @param context the context returned by {@link #run(EmbeddedServerOptions)}
	 * @return the counter
	 */
	public static RequestCounter tokenRequests(ConfigurableApplicationContext context) {
		return context.getBean(AuthorizationServerConfiguration.TOKEN_REQUESTS, RequestCounter.class);
	}

	/**
	 * Returns the counter of the requests to the pushed authorization request endpoint.
	 * @param context the context returned by {@link #run(EmbeddedServerOptions)}
	 * @return the counter
	 */
	public static RequestCounter pushedAuthorizationRequests(ConfigurableApplicationContext context) {
		return context.getBean(AuthorizationServerConfiguration.PUSHED_AUTHORIZATION_REQUESTS, RequestCounter.class);
	}

	private static StandardEnvironment isolatedEnvironment(EmbeddedServerOptions options) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		Map<String, Object> properties = new LinkedHashMap<>();
		// A location with no configuration files: the application's own must not apply.
		properties.put("spring.config.location", "optional:classpath:/io/github/pkce/test/server/");
		properties.put("spring.jmx.enabled", "false");
		properties.put("spring.main.banner-mode", "off");
		properties.put("server.address", LocalIssuer.HOST);
		properties.put("server.port", Integer.toString(options.port()));
		properties.put("server.shutdown", "immediate");
		sources.addFirst(new MapPropertySource("embeddedAuthorizationServer", properties));
		return environment;
	}

}
