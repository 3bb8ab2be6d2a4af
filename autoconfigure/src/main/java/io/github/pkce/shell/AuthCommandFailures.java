package io.github.pkce.shell;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

import org.springframework.boot.ExitCodeGenerator;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.exit.ExitStatusExceptionMapper;
import org.springframework.util.StringUtils;

/**
 * Turns a failed {@link AuthCommands auth command} into exit status 1 with the failure's
 * message. When the shell is not interactive, the message is printed on standard error
 * and the failure is remembered as the application's exit code: a program whose
 * {@code main} ends with
 * {@code System.exit(SpringApplication.exit(SpringApplication.run(App.class, args)))}
 * then exits with status 1. (Spring Shell's own non-interactive runner logs the error but
 * does not change the exit status.) In the interactive shell, the shell prints the
 * message and the session goes on.
 *
 * @author pkce-spring-boot
 */
final class AuthCommandFailures implements ExitStatusExceptionMapper, ExitCodeGenerator {

	/**
	 * Exit status of a failed command.
	 */
	static final int FAILURE = 1;

	private final boolean interactive;

	private final Supplier<PrintStream> errors;

	private volatile int exitCode;

	AuthCommandFailures(boolean interactive, Supplier<PrintStream> errors) {
		this.interactive = interactive;
		this.errors = errors;
	}

	/**
	 * Reports a failed command.
	 * @param failure what the command threw
	 * @return exit status 1 described by the failure's message
	 */
	@Override
	public ExitStatus apply(Exception failure) {
		String message = message(failure);
		if (!this.interactive) {
			PrintStream err = this.errors.get();
			err.println("Error: " + message);
			err.flush();
			this.exitCode = FAILURE;
		}
		return new ExitStatus(FAILURE, message);
	}

	/**
	 * Returns 1 when an auth command failed in a non-interactive shell, else 0.
	 * @return the exit code
	 */
	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	static String message(Throwable failure) {
		Throwable cause = failure;
		// the command method is invoked by reflection
		while (cause instanceof InvocationTargetException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		return StringUtils.hasText(message) ? message : cause.getClass().getSimpleName();
	}

}
