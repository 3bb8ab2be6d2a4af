package io.github.pkce.browser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@link CommandRunner} that records what it was asked to run, optionally running the
 * commands that a predicate lets through with another runner.
 *
 * @author pkce-spring-boot
 */
final class RecordingCommandRunner implements CommandRunner {

	private final List<List<String>> commands = new ArrayList<>();

	private final Predicate<List<String>> runnable;

	private final CommandRunner delegate;

	private RecordingCommandRunner(Predicate<List<String>> runnable, CommandRunner delegate) {
		this.runnable = runnable;
		this.delegate = delegate;
	}

	/**
	 * A runner for which every command fails.
	 */
	static RecordingCommandRunner failing() {
		return new RecordingCommandRunner((command) -> false, (command) -> false);
	}

	/**
	 * A runner for which the commands matching the predicate work and others fail.
	 */
	static RecordingCommandRunner working(Predicate<List<String>> works) {
		return new RecordingCommandRunner(works, (command) -> true);
	}

	/**
	 * A runner that really runs commands whose program is in the given directory and
	 * fails the others (such as {@code xdg-open}) without running them.
	 */
	static RecordingCommandRunner scriptsOnly(Path directory, CommandRunner delegate) {
		return new RecordingCommandRunner((command) -> command.get(0).startsWith(directory.toString()), delegate);
	}

	@Override
	public boolean run(List<String> command) {
		this.commands.add(List.copyOf(command));
		return this.runnable.test(command) && this.delegate.run(command);
	}

	List<List<String>> commands() {
		return this.commands;
	}

}
