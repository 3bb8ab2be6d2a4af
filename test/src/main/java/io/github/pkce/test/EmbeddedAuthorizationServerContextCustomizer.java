package io.github.pkce.test;

import io.github.pkce.test.RunningServers.RunningServer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Points the application context of a test class at the class's embedded server: adds the
 * {@code auth.pkce.*} properties just below the test's own inlined properties, and
 * registers the server and the scripted browser (as the primary
 * {@link io.github.pkce.browser.BrowserLauncher}) as beans. Contexts of different test
 * classes are never shared, since each class has its own server.
 *
 * @author pkce-spring-boot
 */
final class EmbeddedAuthorizationServerContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "embeddedAuthorizationServer";

	static final String SERVER_BEAN_NAME = "embeddedAuthorizationServer";

	static final String BROWSER_BEAN_NAME = "embeddedAuthorizationServerBrowser";

	private final EmbeddedServerDeclaration declaration;

	EmbeddedAuthorizationServerContextCustomizer(EmbeddedServerDeclaration declaration) {
		this.declaration = declaration;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		// normally started by the JUnit extension already; with a per-class test instance
		// lifecycle Spring may come first
		RunningServer running = RunningServers.obtain(this.declaration);
		MapPropertySource properties = new MapPropertySource(PROPERTY_SOURCE_NAME,
				this.declaration.properties(running.server()));
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, properties);
		}
		else {
			sources.addFirst(properties);
		}
		// a manually registered singleton is not destroyed with the context: the
		// extension stops the server after the class
		context.getBeanFactory().registerSingleton(SERVER_BEAN_NAME, running.server());
		RootBeanDefinition browser = new RootBeanDefinition(ScriptedBrowser.class, running::browser);
		browser.setPrimary(true);
		if (context instanceof BeanDefinitionRegistry registry) {
			registry.registerBeanDefinition(BROWSER_BEAN_NAME, browser);
		}
		else {
			context.getBeanFactory().registerSingleton(BROWSER_BEAN_NAME, running.browser());
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof EmbeddedAuthorizationServerContextCustomizer customizer
				&& this.declaration.equals(customizer.declaration));
	}

	@Override
	public int hashCode() {
		return this.declaration.hashCode();
	}

}
