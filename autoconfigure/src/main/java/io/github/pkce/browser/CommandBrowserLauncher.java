package io.github.pkce.browser;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;
import org.springframework.util.CollectionUtils;

/**
 * {@link BrowserLauncher} that runs a configured command, such as
 * {@code ["firefox", "--new-window"]}, with the URL added as its last argument. The
 * command runs directly, never through a shell, so the URL stays one argument whatever it
 * contains; only {@code http} and {@code https} URIs are opened.
 * <p>
 * The command works when it starts and, within a grace period (two seconds by default),
 * has not exited with a non-zero status; a command still running then counts as success
 * and is left running, its output discarded.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @author pkce-spring-boot
 * @see SystemBrowserLauncher
 */
public final class CommandBrowserLauncher implements BrowserLauncher {

	private final List<String> command;

	private final CommandRunner runner;

	/**
	 * Creates a launcher with the default grace period of two seconds.
	 * @param command the program and its arguments, without the URL
	 * @throws IllegalArgumentException if the command is empty
	 */
	public CommandBrowserLauncher(List<String> command) {
		this(command, ProcessCommandRunner.DEFAULT_GRACE_PERIOD);
	}

	/**
	 * Creates a launcher.
	 * @param command the program and its arguments, without the URL
	 * @param gracePeriod how long to wait for the command to fail before taking it as
	 * started; zero takes a command that starts as a success
	 * @throws IllegalArgumentException if the command is empty
	 */
	public CommandBrowserLauncher(List<String> command, Duration gracePeriod) {
		this(command, new ProcessCommandRunner(gracePeriod));
	}

	CommandBrowserLauncher(List<String> command, CommandRunner runner) {
		Assert.isTrue(!CollectionUtils.isEmpty(command), "browser command must not be empty");
		Assert.noNullElements(command, "browser command must not contain null elements");
		Assert.isTrue(!command.get(0).isBlank(), "browser command must not be empty");
		Assert.notNull(runner, "runner cannot be null");
		this.command = List.copyOf(command);
		this.runner = runner;
	}

	/**
	 * Runs the command with the URI as its last argument.
	 * @param uri the authorization request URI, {@code http} or {@code https}
	 * @return {@code true} if the command worked, {@code false} if it could not start,
	 * failed, or the URI is not an {@code http} or {@code https} address
	 */
	@Override
	public boolean open(URI uri) {
		Assert.notNull(uri, "uri cannot be null");
		if (!WebAddresses.isWebAddress(uri)) {
			return false;
		}
		List<String> commandLine = new ArrayList<>(this.command);
		commandLine.add(uri.toASCIIString());
		return this.runner.run(commandLine);
	}

}
