package io.github.pkce.sample;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandExecutionException;
import org.springframework.shell.core.command.CommandExecutor;
import org.springframework.shell.core.command.DefaultCommandParser;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.annotation.Command;

/**
 * The commands of demo mode: {@code api me}, and {@code demo}, which runs the whole tour
 * as a user would type it.
 *
 * @author pkce-spring-boot
 */
public final class DemoCommands {

	static final String GROUP = "Demo";

	/** What {@code demo} runs, in order; {@code auth token} is shown masked. */
	static final List<String> TOUR = List.of("auth login", "api me", "auth status", "auth token", "auth logout");

	private static final String TOKEN_COMMAND = "auth token";

	private final URI resource;

	private final ApiCommands api;

	DemoCommands(URI resource, ApiCommands api) {
		this.resource = resource;
		this.api = api;
	}

	/**
	 * GETs the demo resource, which answers who the access token is for.
	 * @param context the command context
	 */
	@Command(name = { "api", "me" }, group = GROUP,
			description = "GET the demo identity provider's /api/me with the access token")
	public void me(CommandContext context) {
		this.api.get(this.resource, context.outputWriter());
	}

	/**
	 * Runs {@code auth login}, {@code api me}, {@code auth status}, {@code auth token}
	 * (masked) and {@code auth logout}, each shown with its output, and stops at the
	 * first that fails.
	 * @param context the command context
	 */
	@Command(name = "demo", group = GROUP,
			description = "Sign in, call the API, show the status and the token (masked), sign out")
	public void demo(CommandContext context) {
		PrintWriter out = context.outputWriter();
		CommandExecutor executor = new CommandExecutor(context.commandRegistry());
		DefaultCommandParser parser = new DefaultCommandParser(context.commandRegistry());
		for (String command : TOUR) {
			out.println("==> " + command);
			out.flush();
			boolean token = TOKEN_COMMAND.equals(command);
			StringWriter captured = new StringWriter();
			PrintWriter stepOut = token ? new PrintWriter(captured) : out;
			ExitStatus status;
			try {
				status = executor.execute(new CommandContext(parser.parse(command), context.commandRegistry(), stepOut,
						context.inputReader()));
			}
			catch (CommandExecutionException ex) {
				throw new DemoFailedException(command, CommandLineShell.message(ex), ex);
			}
			if (status.code() != ExitStatus.OK.code()) {
				throw new DemoFailedException(command, status.description(), null);
			}
			if (token) {
				stepOut.flush();
				out.println(mask(captured.toString().strip()));
			}
			out.println();
			out.flush();
		}
		out.println(
				"Done: signed in with the browser flow (PKCE, a pushed authorization request), called the API with a DPoP-bound token, signed out.");
		out.flush();
	}

	/**
	 * Shows the start of a token and its length: enough to see that there is one.
	 * @param token the token
	 * @return the masked token
	 */
	static String mask(String token) {
		int shown = Math.min(8, token.length() / 4);
		return token.substring(0, shown) + "..." + " (" + token.length() + " characters, masked)";
	}

	/**
	 * Thrown when a step of the demo fails.
	 */
	static final class DemoFailedException extends RuntimeException {

		DemoFailedException(String command, String reason, @Nullable Throwable cause) {
			super("The demo stopped at '" + command + "': " + reason, cause);
		}

	}

}
