package io.github.pkce.sample;

import java.lang.reflect.Method;

import io.github.pkce.test.EmbeddedAuthorizationServer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.annotation.support.CommandFactoryBean;
import org.springframework.util.ReflectionUtils;

/**
 * The commands of demo mode, {@code api me} and {@code demo}. Registered here rather than
 * found by Spring Shell's scan, which would want them outside demo mode too.
 *
 * @author pkce-spring-boot
 */
@Configuration(proxyBeanMethods = false)
@Profile(DemoMode.PROFILE)
class DemoConfiguration {

	@Bean
	DemoCommands demoCommands(EmbeddedAuthorizationServer server, ApiCommands api) {
		return new DemoCommands(server.resourceUri(), api);
	}

	@Bean
	static CommandFactoryBean demoApiMeCommand() {
		return command("me");
	}

	@Bean
	static CommandFactoryBean demoCommand() {
		return command("demo");
	}

	private static CommandFactoryBean command(String name) {
		Method method = ReflectionUtils.findMethod(DemoCommands.class, name, CommandContext.class);
		if (method == null) {
			throw new IllegalStateException("No command method " + name);
		}
		return new CommandFactoryBean(method);
	}

}
