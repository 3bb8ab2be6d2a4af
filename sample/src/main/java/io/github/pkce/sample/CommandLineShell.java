package io.github.pkce.sample;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.core.env.Environment;
import org.springframework.shell.core.InputReader;
import org.springframework.shell.core.ShellRunner;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandExecutionException;
import org.springframework.shell.core.command.CommandExecutor;
import org.springframework.shell.core.command.CommandNotFoundException;
import org.springframework.shell.core.command.CommandParser;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.ParsedInput;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Runs the command given as arguments and remembers its exit status, or starts the
 * interactive shell when there is none. It replaces Spring Shell's own runner (an
 * {@link ApplicationRunner} bean switches that off), which would pass the Spring Boot
 * properties on the command line to the shell as words of the command, and exits with 0
 * when a command fails or is not understood.
 * <p>
 * Exit status: 0 when the command succeeded, 1 when it failed, 2 when it was not
 * understood (unknown command, missing option value). A failure's message goes to
 * standard error, prefixed with {@code Error: }, unless the command reported it itself
 * (the {@code auth} commands do).
 *
 * @author pkce-spring-boot
 */
@Component
final class CommandLineShell implements ApplicationRunner, ExitCodeGenerator {

	static final int FAILED = 1;

	static final int NOT_UNDERSTOOD = 2;

	private static final String AUTH = "auth";

	private static final String NOT_CONFIGURED = "The auth commands appear once sign-in is configured: "
			+ "--auth.pkce.issuer-uri=https://login.example.com --auth.pkce.client-id=my-cli "
			+ "(or AUTH_PKCE_ISSUER_URI and AUTH_PKCE_CLIENT_ID), or --demo for the demo identity provider.";

	private static final InputReader NO_INPUT = new InputReader() {
	};

	private final CommandParser parser;

	private final CommandRegistry registry;

	private final ObjectProvider<ShellRunner> interactiveShell;

	private final boolean interactive;

	private volatile int exitCode;

	CommandLineShell(CommandParser parser, CommandRegistry registry, ObjectProvider<ShellRunner> interactiveShell,
			Environment environment) {
		this.parser = parser;
		this.registry = registry;
		this.interactiveShell = interactiveShell;
		this.interactive = environment.getProperty("spring.shell.interactive.enabled", Boolean.class, true);
	}

	@Override
	public void run(ApplicationArguments arguments) throws Exception {
		List<String> command = SampleArguments.command(arguments.getSourceArgs());
		if (!command.isEmpty()) {
			this.exitCode = execute(line(command), new PrintWriter(System.out), System.err);
		}
		else if (this.interactive) {
			runInteractively();
		}
		// not interactive and no command: an application started by a test
	}

	private void runInteractively() throws Exception {
		ShellRunner shell = this.interactiveShell.getIfAvailable();
		if (shell == null || System.console() == null) {
			System.err.println("Give a command, for example 'auth login'; 'help' lists them all. "
					+ "Without a command, the interactive shell starts on a terminal only.");
			this.exitCode = NOT_UNDERSTOOD;
			return;
		}
		shell.run(new String[0]);
	}

	/**
	 * Runs one command line.
	 * @param line the command line, as typed in the shell
	 * @param out where the command's output goes
	 * @param err where failures go
	 * @return the exit status
	 */
	int execute(String line, PrintWriter out, PrintStream err) {
		try {
			ParsedInput input = this.parser.parse(line);
			ExitStatus status = new CommandExecutor(this.registry)
				.execute(new CommandContext(input, this.registry, out, NO_INPUT));
			if (status.code() == ExitStatus.OK.code()) {
				return 0;
			}
			return (status.code() == ExitStatus.USAGE_ERROR.code()) ? NOT_UNDERSTOOD : FAILED;
		}
		catch (CommandNotFoundException ex) {
			err.println("Error: Unknown command '" + ex.getCommandName() + "'. "
					+ (ex.getCommandName().startsWith(AUTH) ? NOT_CONFIGURED : "Run 'help' to list the commands."));
			return NOT_UNDERSTOOD;
		}
		catch (CommandExecutionException ex) {
			err.println("Error: " + message(ex));
			return FAILED;
		}
		catch (IllegalArgumentException ex) {
			// the parser's complaints, such as an option without its value
			err.println("Error: " + ex.getMessage());
			return NOT_UNDERSTOOD;
		}
		finally {
			out.flush();
			err.flush();
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	/**
	 * Returns the message of what a command threw, without the wrappers of the shell and
	 * of reflection.
	 * @param failure the failure
	 * @return its message
	 */
	static String message(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CommandExecutionException || cause instanceof InvocationTargetException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return StringUtils.hasText(cause.getMessage()) ? cause.getMessage() : cause.getClass().getSimpleName();
	}

	private static String line(List<String> words) {
		// the shell splits its input at spaces outside double quotes
		return words.stream()
			.map((word) -> (word.isEmpty() || word.matches(".*\\s.*"))
					? "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : word)
			.collect(Collectors.joining(" "));
	}

}
