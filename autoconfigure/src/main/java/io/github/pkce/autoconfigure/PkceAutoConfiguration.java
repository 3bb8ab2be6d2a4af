package io.github.pkce.autoconfigure;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pkce.ClientConfigStore;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.loopback.EndpointMetadata;
import io.github.pkce.store.CredentialStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of browser login with PKCE from {@code auth.pkce.*}. Active when a
 * registration is configured (a client id, issuer, endpoint... is set) and
 * {@code auth.pkce.enabled} is not {@code false}; a program with the starter and no such
 * property starts as if it were absent. Every bean backs off when the application defines
 * its own. Nothing here touches the network: the authorization server's discovery
 * document is read at the first login.
 *
 * @author pkce-spring-boot
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "auth.pkce", name = "enabled", matchIfMissing = true)
@Conditional(PkceRegistrationConditions.OnAnyRegistration.class)
@EnableConfigurationProperties(PkceProperties.class)
public final class PkceAutoConfiguration {

	private static final String SHELL_COMMAND = "org.springframework.shell.core.command.Command";

	@Bean
	@ConditionalOnMissingBean
	ClientConfigStore pkceClientConfigStore(PkceProperties properties) {
		return new PkcePropertiesMapper(properties).asClientConfigStore();
	}

	@Bean
	@ConditionalOnMissingBean
	CredentialStore pkceCredentialStore(PkceProperties properties, Environment environment) {
		return CredentialStores.create(new PkcePropertiesMapper(properties).asStore(),
				environment.getProperty("spring.application.name"));
	}

	@Bean
	@ConditionalOnMissingBean
	BrowserLauncher pkceBrowserLauncher(PkceProperties properties) {
		return new PkcePropertiesMapper(properties).asBrowserLauncher();
	}

	@Bean
	@ConditionalOnMissingBean
	EndpointMetadata pkceEndpointMetadata(PkceProperties properties) {
		return new PkcePropertiesMapper(properties).asEndpointMetadata();
	}

	@Bean
	@ConditionalOnMissingBean
	PkceAuthenticatorFactory pkceAuthenticatorFactory(PkceProperties properties, ClientConfigStore configs,
			CredentialStore store, BrowserLauncher browserLauncher, EndpointMetadata pages,
			ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<SslBundles> sslBundles) {
		PkcePropertiesMapper mapper = new PkcePropertiesMapper(properties);
		RestClient restClient = PkceHttpClients.create(restClientBuilder.getIfAvailable(RestClient::builder),
				mapper.asHttp(), sslBundles.getIfAvailable());
		boolean shellCommands = properties.getShell().isEnabled()
				&& ClassUtils.isPresent(SHELL_COMMAND, PkceAutoConfiguration.class.getClassLoader());
		// processes that share a persistent store coordinate refreshes through a lock
		// file
		boolean shared = CredentialStores.isShared(properties.getStore());
		return new PkceAuthenticatorFactory(configs, mapper.asRegistrations(), store, browserLauncher, pages,
				restClient, shellCommands, properties.getLogin().getMethod(),
				shared ? PkceAuthenticator.defaultLockDirectory() : null);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(PkceRegistrationConditions.OnDefaultRegistration.class)
	PkceAuthenticator pkceAuthenticator(PkceAuthenticatorFactory factory) {
		return factory.create(ClientConfigStore.DEFAULT_REGISTRATION);
	}

	@Bean
	@ConditionalOnMissingBean
	PkceAuthenticators pkceAuthenticators(PkceAuthenticatorFactory factory,
			ObjectProvider<PkceAuthenticator> defaultAuthenticator) {
		Map<String, PkceAuthenticator> authenticators = new LinkedHashMap<>();
		// the default is the PkceAuthenticator bean, which the application may have
		// replaced
		PkceAuthenticator primary = defaultAuthenticator.getIfUnique();
		if (primary != null) {
			authenticators.put(ClientConfigStore.DEFAULT_REGISTRATION, primary);
		}
		for (String name : factory.getConfigs().names()) {
			authenticators.computeIfAbsent(name, factory::create);
		}
		return PkceAuthenticators.of(authenticators);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientCustomizer.class)
	static class RestClientConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "pkceRestClientCustomizer")
		@Conditional(PkceRegistrationConditions.OnDefaultEndpoint.class)
		RestClientCustomizer pkceRestClientCustomizer(PkceProperties properties,
				ObjectProvider<PkceAuthenticator> authenticator) {
			PkcePropertiesMapper mapper = new PkcePropertiesMapper(properties);
			PkceRegistrationProperties registration = mapper.asRegistrations()
				.get(ClientConfigStore.DEFAULT_REGISTRATION);
			List<URI> origins = (registration != null)
					? mapper.asOrigins(ClientConfigStore.DEFAULT_REGISTRATION, registration) : List.of();
			String headerName = (registration != null) ? registration.getHeaderName() : "Authorization";
			return (builder) -> {
				if (!origins.isEmpty()) {
					builder.requestInterceptor(
							new DeferredBearerTokenInterceptor(authenticator::getObject, headerName, origins));
				}
			};
		}

	}

}
