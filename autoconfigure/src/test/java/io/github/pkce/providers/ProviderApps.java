package io.github.pkce.providers;

import io.github.pkce.autoconfigure.PkceAutoConfiguration;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.shell.AuthCommands;
import io.github.pkce.shell.PkceShellAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * A program with the starter, as a user writes it: {@code auth.pkce.*} properties, the
 * shell commands, tokens in memory, and a browser played by the test.
 */
final class ProviderApps {

	private ProviderApps() {
	}

	static ApplicationContextRunner program(BrowserLauncher browser, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PkceAutoConfiguration.class, PkceShellAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues("auth.pkce.store.type=memory", "auth.pkce.login.method=browser",
					"auth.pkce.login.timeout=10s")
			.withPropertyValues(properties);
	}

	static ShellCommands shell(ApplicationContext context) {
		return new ShellCommands(context.getBean(AuthCommands.class));
	}

}
