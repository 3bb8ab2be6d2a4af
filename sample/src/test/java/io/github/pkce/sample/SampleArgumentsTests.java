package io.github.pkce.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleArgumentsTests {

	@Test
	void commandIsWhatIsNotASpringProperty() {
		assertThat(SampleArguments.command("--auth.pkce.client-id=cli", "auth", "login", "--registration", "work",
				"--spring.profiles.active=x"))
			.containsExactly("auth", "login", "--registration", "work");
	}

	@Test
	void commandRunsWithoutTheInteractiveShell() {
		SampleArguments arguments = SampleArguments.parse("--auth.pkce.client-id=cli", "auth", "status");
		assertThat(arguments.springArguments()).containsExactly("--auth.pkce.client-id=cli", "auth", "status",
				"--spring.shell.interactive.enabled=false");
		assertThat(arguments.isDemo()).isFalse();
	}

	@Test
	void noCommandLeavesTheShellInteractive() {
		assertThat(SampleArguments.parse("--auth.pkce.client-id=cli").springArguments())
			.containsExactly("--auth.pkce.client-id=cli");
	}

	@Test
	void demoCommandSwitchesDemoModeOnAndAutoSignInBecomesAProperty() {
		SampleArguments arguments = SampleArguments.parse("demo", "--auto-sign-in");
		assertThat(arguments.isDemo()).isTrue();
		assertThat(arguments.springArguments()).containsExactly("demo", "--sample.demo.auto-sign-in=true",
				"--spring.shell.interactive.enabled=false");
	}

	@Test
	void demoFlagSwitchesDemoModeOnForAnyCommand() {
		SampleArguments arguments = SampleArguments.parse("--demo", "api", "me");
		assertThat(arguments.isDemo()).isTrue();
		assertThat(SampleArguments.command(arguments.springArguments())).containsExactly("api", "me");
	}

	@Test
	void explicitInteractivePropertyIsKept() {
		assertThat(SampleArguments.parse("--spring.shell.interactive.enabled=true", "help").springArguments())
			.containsExactly("--spring.shell.interactive.enabled=true", "help");
	}

}
