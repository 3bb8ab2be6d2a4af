package io.github.pkce.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Gives the application context of a test class annotated with
 * {@link EmbeddedAuthorizationServerTest} its server's properties and beans. Registered
 * by the annotation only.
 *
 * @author pkce-spring-boot
 */
final class EmbeddedAuthorizationServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new EmbeddedAuthorizationServerContextCustomizer(EmbeddedServerDeclaration.of(testClass));
	}

}
