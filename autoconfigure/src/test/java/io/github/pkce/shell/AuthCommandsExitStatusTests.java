package io.github.pkce.shell;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.Set;

import io.github.pkce.store.CredentialKeys;
import io.github.pkce.Credentials;
import io.github.pkce.PkceException;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.shell.core.command.ExitStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program run as {@code mycli auth token} (Spring Shell not interactive) exits with a
 * non-zero status and the message on standard error when the command fails, through
 * Spring Shell's own runner.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthCommandsExitStatusTests {

	private static final String[] PROPERTIES = { "spring.shell.interactive.enabled=false", "auth.pkce.client-id=cli",
			"auth.pkce.issuer-uri=http://127.0.0.1:9/unreachable", "auth.pkce.login.on-demand=false",
			"logging.level.org.springframework.shell=off", "spring.main.log-startup-info=false",
			"spring.main.banner-mode=off" };

	@Test
	void failingCommandExitsWithStatusOneAndItsMessageOnStandardError(CapturedOutput output) {
		assertThat(run(new InMemoryCredentialStore(), "auth", "token")).isEqualTo(1);
		assertThat(output.getErr()).contains("Error: Not signed in. Run 'auth login' to sign in.");
		assertThat(output.getOut()).doesNotContain("Not signed in");
	}

	@Test
	void failingLoginExitsWithStatusOne(CapturedOutput output) {
		assertThat(run(new InMemoryCredentialStore(), "auth", "login")).isEqualTo(1);
		assertThat(output.getErr()).contains("Error: ").contains("127.0.0.1:9");
	}

	@Test
	void unknownRegistrationExitsWithStatusOne(CapturedOutput output) {
		assertThat(run(new InMemoryCredentialStore(), "auth", "status", "--registration", "nope")).isEqualTo(1);
		assertThat(output.getErr()).contains("Error: No registration named 'nope'. Known registrations: default");
	}

	@Test
	void succeedingCommandExitsWithStatusZeroAndPrintsOnStandardOutput(CapturedOutput output) {
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		store.save(CredentialKeys.of("http://127.0.0.1:9/unreachable", "cli", null),
				new Credentials("at-123", "Bearer", Instant.now().plusSeconds(3600), null, null, Set.of()));
		assertThat(run(store, "auth", "token")).isZero();
		assertThat(output.getOut()).isEqualTo("at-123" + System.lineSeparator());
		assertThat(output.getErr()).isEmpty();
	}

	@Test
	void failureInTheInteractiveShellLeavesTheExitCodeAlone() {
		PrintStream err = new PrintStream(PrintStream.nullOutputStream()) {
			@Override
			public void println(String x) {
				throw new AssertionError("printed " + x);
			}
		};
		AuthCommandFailures failures = new AuthCommandFailures(true, () -> err);
		ExitStatus status = failures
			.apply(new InvocationTargetException(new PkceException("access_denied", "Denied.")));
		assertThat(status.code()).isEqualTo(1);
		assertThat(status.description()).isEqualTo("Denied.");
		assertThat(failures.getExitCode()).isZero();
	}

	private static int run(CredentialStore store, String... args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ShellTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties(PROPERTIES)
			.initializers((applicationContext) -> applicationContext.getBeanFactory()
				.registerSingleton("credentialStore", store))
			.run(args);
		return SpringApplication.exit(context);
	}

}
