package io.github.pkce.browser;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.Assert;

/**
 * {@link CommandRunner} that starts a real process. A command works when it starts and
 * has not exited with a non-zero status within the grace period: openers such as
 * {@code xdg-open} fail fast when there is no browser, while a browser started directly
 * may keep running for as long as the user keeps it open, so a process still running at
 * the end of the grace period counts as success and is left alone.
 *
 * @author pkce-spring-boot
 */
final class ProcessCommandRunner implements CommandRunner {

	static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(2);

	private final Duration gracePeriod;

	ProcessCommandRunner(Duration gracePeriod) {
		Assert.notNull(gracePeriod, "gracePeriod cannot be null");
		Assert.isTrue(!gracePeriod.isNegative(), "gracePeriod must not be negative");
		this.gracePeriod = gracePeriod;
	}

	@Override
	public boolean run(List<String> command) {
		// An argument list, never "sh -c": the URL stays one argument whatever it holds
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(Redirect.DISCARD)
			.redirectError(Redirect.DISCARD);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
		closeStandardInput(process);
		try {
			if (!process.waitFor(this.gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
				return true;
			}
			return process.exitValue() == 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			// Started and not failed so far; trying another browser could open two
			return true;
		}
	}

	private static void closeStandardInput(Process process) {
		// The terminal's input belongs to the program, not to the browser: give it EOF
		try {
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			// The process may already have exited; nothing to release
		}
	}

}
