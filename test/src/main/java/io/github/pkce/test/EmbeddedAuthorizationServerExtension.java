package io.github.pkce.test;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;

import io.github.pkce.test.RunningServers.RunningServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension behind {@link EmbeddedAuthorizationServerTest}: starts an
 * {@link EmbeddedAuthorizationServer} before a test class's first test, stops it after
 * the class's last, and resolves parameters of type {@link EmbeddedAuthorizationServer}
 * and {@link ScriptedBrowser} (one browser per server, signing in as the declared user)
 * in test and lifecycle methods and constructors. Parameters that Spring resolves
 * ({@code @Autowired}, {@code @Value}...) are left to Spring: the server and the browser
 * are beans there.
 * <p>
 * Usually applied through {@link EmbeddedAuthorizationServerTest}; registered alone
 * ({@code @ExtendWith(EmbeddedAuthorizationServerExtension.class)}), it starts a server
 * with the annotation's defaults, without the Spring integration.
 *
 * @author pkce-spring-boot
 */
public final class EmbeddedAuthorizationServerExtension implements BeforeAllCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(EmbeddedAuthorizationServerExtension.class);

	private static final String SPRING_PACKAGE = "org.springframework.";

	/**
	 * Creates the extension; JUnit does this.
	 */
	public EmbeddedAuthorizationServerExtension() {
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		running(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return (type == EmbeddedAuthorizationServer.class || type == ScriptedBrowser.class)
				&& !hasSpringAnnotation(parameterContext.getParameter())
				&& !hasSpringAnnotation(parameterContext.getDeclaringExecutable());
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		RunningServer running = running(extensionContext);
		return (parameterContext.getParameter().getType() == ScriptedBrowser.class) ? running.browser()
				: running.server();
	}

	/**
	 * Returns the server of the test class, starting it at the first call. Stores look up
	 * their parents, so a {@code @Nested} class finds its enclosing class's server.
	 */
	private static RunningServer running(ExtensionContext context) {
		EmbeddedServerDeclaration declaration = EmbeddedServerDeclaration.of(context.getRequiredTestClass());
		return context.getStore(NAMESPACE)
			.computeIfAbsent(declaration.owner(), (owner) -> new Lease(declaration), Lease.class)
			.running();
	}

	private static boolean hasSpringAnnotation(AnnotatedElement element) {
		return Arrays.stream(element.getAnnotations())
			.map(Annotation::annotationType)
			.anyMatch((type) -> type.getName().startsWith(SPRING_PACKAGE));
	}

	/**
	 * A server held for a test class; closing the store that holds it (at the end of the
	 * class) stops the server.
	 */
	private static final class Lease implements AutoCloseable {

		private final Class<?> owner;

		private final RunningServer running;

		Lease(EmbeddedServerDeclaration declaration) {
			this.owner = declaration.owner();
			this.running = RunningServers.obtain(declaration);
		}

		RunningServer running() {
			return this.running;
		}

		@Override
		public void close() {
			RunningServers.stop(this.owner);
		}

	}

}
