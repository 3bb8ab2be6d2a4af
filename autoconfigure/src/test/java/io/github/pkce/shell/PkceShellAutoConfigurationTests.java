package io.github.pkce.shell;

import java.time.Clock;
import java.util.Map;

import io.github.pkce.AccessTokenNotFoundException;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.autoconfigure.PkceAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.shell.core.command.Command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PkceShellAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PkceAutoConfiguration.class, PkceShellAutoConfiguration.class))
		.withPropertyValues("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://login.example.com");

	@Test
	void commandsAreRegisteredAsCommandBeans() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(AuthCommands.class).hasBean(AuthCommands.FAILURES);
			assertThat(context.getBeansOfType(Command.class).values()).extracting(Command::getName)
				.containsExactlyInAnyOrder("auth login", "auth logout", "auth status", "auth token");
		});
	}

	@Test
	void commandsCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("auth.pkce.shell.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(PkceAuthenticators.class).doesNotHaveBean(AuthCommands.class);
			assertThat(context.getBeansOfType(Command.class)).isEmpty();
		});
	}

	@Test
	void withoutConfigurationThereAreNoCommands() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PkceAutoConfiguration.class, PkceShellAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AuthCommands.class));
	}

	@Test
	void withoutSpringShellThereAreNoCommands() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.shell"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PkceAuthenticators.class)
				.doesNotHaveBean("pkceAuthCommands"));
	}

	@Test
	void authCommandsBackOff() {
		this.contextRunner
			.withBean("myCommands", AuthCommands.class,
					() -> new AuthCommands(PkceAuthenticators.of(Map.of()), Map.of(), null, Clock.systemUTC()))
			.run((context) -> assertThat(context).hasSingleBean(AuthCommands.class).hasBean("myCommands"));
	}

	@Test
	void loginHintNamesTheCommand() {
		this.contextRunner.withPropertyValues("auth.pkce.login.on-demand=false").run((context) -> {
			PkceAuthenticators authenticators = context.getBean(PkceAuthenticators.class);
			assertThatExceptionOfType(AccessTokenNotFoundException.class)
				.isThrownBy(() -> authenticators.get("default").accessToken())
				.withMessage("Not signed in. Run 'auth login' to sign in.");
		});
	}

}
