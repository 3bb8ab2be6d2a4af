package io.github.pkce.browser;

import java.nio.file.Path;
import java.time.Duration;
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
 * Tests for {@link ProcessCommandRunner}, with real processes.
 *
 * @author pkce-spring-boot
 */
@DisabledOnOs(OS.WINDOWS)
class ProcessCommandRunnerTests {

	// Never waited out by scripts that exit at once; generous for a loaded machine
	private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(30));

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
	void commandExitingWithZeroWorks() {
		assertThat(this.runner.run(List.of(this.scripts.exiting("ok", 0).toString()))).isTrue();
	}

	@Test
	void commandExitingWithNonZeroStatusFails() {
		assertThat(this.runner.run(List.of(this.scripts.exiting("failing", 3).toString()))).isFalse();
	}

	@Test
	void commandThatCannotStartFails() {
		assertThat(this.runner.run(List.of(this.scripts.missing("missing").toString()))).isFalse();
	}

	@Test
	void commandStillRunningAfterTheGracePeriodWorks() {
		ProcessCommandRunner impatient = new ProcessCommandRunner(Duration.ofMillis(100));
		assertThat(impatient.run(List.of(this.scripts.sleeping("sleeping").toString()))).isTrue();
	}

	@Test
	void commandWithZeroGracePeriodWorksOnceStarted() {
		ProcessCommandRunner impatient = new ProcessCommandRunner(Duration.ZERO);
		assertThat(impatient.run(List.of(this.scripts.sleeping("sleeping").toString()))).isTrue();
	}

	@Test
	void commandSeesTheEndOfItsStandardInput() {
		Path script = this.scripts.write("reader",
				"if read -r line; then echo line > stdin.txt; else echo end > stdin.txt; fi");
		assertThat(this.runner.run(List.of(script.toString()))).isTrue();
		assertThat(this.scripts.read("stdin.txt")).isEqualTo("end\n");
	}

	@Test
	void commandWritingMoreThanAPipeHoldsIsNotBlocked() {
		Path script = this.scripts.write("chatty",
				"head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2; echo done > chatty.txt");
		assertThat(this.runner.run(List.of(script.toString()))).isTrue();
		assertThat(this.scripts.read("chatty.txt")).isEqualTo("done\n");
	}

	@Test
	void negativeGracePeriodIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProcessCommandRunner(Duration.ofSeconds(-1)))
			.withMessage("gracePeriod must not be negative");
	}

}
