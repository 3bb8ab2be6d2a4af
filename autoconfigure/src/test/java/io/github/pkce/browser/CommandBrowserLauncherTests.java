package io.github.pkce.browser;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CommandBrowserLauncher}.
 *
 * @author pkce-spring-boot
 */
class CommandBrowserLauncherTests {

	private static final URI URL = URI.create("https://id.example.com/authorize?client_id=cli&state=s1");

	// Never waited out by scripts that exit at once; generous for a loaded machine
	private static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private Scripts scripts;

	@BeforeEach
	void createScripts() {
		this.scripts = new Scripts(this.directory);
	}

	@AfterEach
	void stopScripts() {
		this.scripts.stopStillRunning();
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void urlIsAppendedAsTheLastArgument() {
		Path browser = this.scripts.recording("browser");
		CommandBrowserLauncher launcher = new CommandBrowserLauncher(List.of(browser.toString(), "--new-window", "%s"),
				GRACE_PERIOD);
		assertThat(launcher.open(URL)).isTrue();
		assertThat(this.scripts.recordedArguments("browser")).containsExactly("--new-window", "%s",
				URL.toASCIIString());
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void urlWithShellMetacharactersArrivesAsOneUnchangedArgument() {
		URI uri = URI.create("https://example.com/a;b?x=$(touch$IFS'pwned')&y=';touch$IFS'pwned'&z=%22%20%27");
		Path browser = this.scripts.recording("browser");
		assertThat(new CommandBrowserLauncher(List.of(browser.toString()), GRACE_PERIOD).open(uri)).isTrue();
		assertThat(this.scripts.recordedArguments("browser")).containsExactly(uri.toASCIIString());
		assertThat(this.directory.resolve("pwned")).doesNotExist();
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void failingCommandReturnsFalse() {
		Path failing = this.scripts.exiting("failing", 3);
		assertThat(new CommandBrowserLauncher(List.of(failing.toString()), GRACE_PERIOD).open(URL)).isFalse();
	}

	@Test
	void commandThatCannotStartReturnsFalse() {
		Path missing = this.scripts.missing("missing");
		assertThat(new CommandBrowserLauncher(List.of(missing.toString()), GRACE_PERIOD).open(URL)).isFalse();
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void commandStillRunningAfterTheGracePeriodCountsAsSuccess() {
		Path sleeping = this.scripts.sleeping("sleeping");
		assertThat(new CommandBrowserLauncher(List.of(sleeping.toString()), Duration.ofMillis(100)).open(URL)).isTrue();
	}

	@Test
	void nonWebAddressIsRefusedWithoutRunningAnything() {
		RecordingCommandRunner runner = RecordingCommandRunner.working((command) -> true);
		CommandBrowserLauncher launcher = new CommandBrowserLauncher(List.of("firefox"), runner);
		assertThat(launcher.open(URI.create("file:///etc/passwd"))).isFalse();
		assertThat(launcher.open(URI.create("javascript:alert(1)"))).isFalse();
		assertThat(runner.commands()).isEmpty();
	}

	@Test
	void emptyCommandIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CommandBrowserLauncher(List.of()))
			.withMessage("browser command must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new CommandBrowserLauncher(List.of(" ", "--x")))
			.withMessage("browser command must not be empty");
	}

	@Test
	void configuredCommandIsCopied() {
		List<String> command = new ArrayList<>(List.of("firefox"));
		RecordingCommandRunner runner = RecordingCommandRunner.working((arguments) -> true);
		CommandBrowserLauncher launcher = new CommandBrowserLauncher(command, runner);
		command.add("--private-window");
		assertThat(launcher.open(URL)).isTrue();
		assertThat(runner.commands()).containsExactly(List.of("firefox", URL.toASCIIString()));
	}

}
