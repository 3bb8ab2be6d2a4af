package io.github.pkce.shell;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.pkce.ClientConfigStore;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.autoconfigure.PkceAutoConfiguration;
import io.github.pkce.autoconfigure.PkceProperties;
import io.github.pkce.autoconfigure.PkceRegistrationProperties;
import io.github.pkce.store.CredentialStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.annotation.support.CommandFactoryBean;
import org.springframework.util.ReflectionUtils;

/**
 * Auto-configuration of the {@code auth} commands of Spring Shell: registered by the
 * starter itself, since Spring Shell finds annotated commands only in the application's
 * own package. Active when Spring Shell is on the class path, browser login is
 * configured, and {@code auth.pkce.shell.enabled} is not {@code false}.
 *
 * @author pkce-spring-boot
 */
@AutoConfiguration(after = PkceAutoConfiguration.class)
@ConditionalOnClass(Command.class)
@ConditionalOnBean(PkceAuthenticators.class)
@ConditionalOnProperty(prefix = "auth.pkce.shell", name = "enabled", matchIfMissing = true)
public final class PkceShellAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuthCommands pkceAuthCommands(PkceAuthenticators authenticators, ObjectProvider<PkceProperties> properties,
			ObjectProvider<CredentialStore> store) {
		CredentialStore credentialStore = store.getIfUnique();
		return new AuthCommands(authenticators, endpoints(properties.getIfAvailable()), credentialStore,
				Clock.systemUTC());
	}

	@Bean(AuthCommands.FAILURES)
	@ConditionalOnMissingBean(name = AuthCommands.FAILURES)
	AuthCommandFailures pkceAuthCommandFailures(Environment environment) {
		boolean interactive = environment.getProperty("spring.shell.interactive.enabled", Boolean.class, true);
		return new AuthCommandFailures(interactive, () -> System.err);
	}

	@Bean
	static CommandFactoryBean pkceAuthLoginCommand() {
		return command("login");
	}

	@Bean
	static CommandFactoryBean pkceAuthLogoutCommand() {
		return command("logout");
	}

	@Bean
	static CommandFactoryBean pkceAuthStatusCommand() {
		return command("status");
	}

	@Bean
	static CommandFactoryBean pkceAuthTokenCommand() {
		return command("token");
	}

	private static CommandFactoryBean command(String name) {
		Method method = ReflectionUtils.findMethod(AuthCommands.class, name, String.class, CommandContext.class);
		if (method == null) {
			throw new IllegalStateException("No command method " + name);
		}
		return new CommandFactoryBean(method);
	}

	private static Map<String, URI> endpoints(@Nullable PkceProperties properties) {
		Map<String, URI> endpoints = new LinkedHashMap<>();
		if (properties == null) {
			return endpoints;
		}
		if (properties.getEndpoint() != null) {
			endpoints.put(ClientConfigStore.DEFAULT_REGISTRATION, properties.getEndpoint());
		}
		for (Map.Entry<String, PkceRegistrationProperties> entry : properties.getRegistrations().entrySet()) {
			URI endpoint = entry.getValue().getEndpoint();
			if (endpoint != null) {
				endpoints.putIfAbsent(entry.getKey(), endpoint);
			}
		}
		return endpoints;
	}

}
