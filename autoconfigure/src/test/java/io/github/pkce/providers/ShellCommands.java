package io.github.pkce.providers;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.BiConsumer;

import io.github.pkce.shell.AuthCommands;

import org.springframework.shell.core.command.CommandContext;

/**
 * Runs the {@code auth} commands as the shell would, capturing what they print.
 */
final class ShellCommands {

	private final AuthCommands commands;

	ShellCommands(AuthCommands commands) {
		this.commands = commands;
	}

	List<String> status() {
		return run(this.commands::status);
	}

	List<String> login() {
		return run(this.commands::login);
	}

	List<String> logout() {
		return run(this.commands::logout);
	}

	private static List<String> run(BiConsumer<String, CommandContext> command) {
		StringWriter output = new StringWriter();
		command.accept("default", new CommandContext(null, null, new PrintWriter(output), null));
		return output.toString().lines().toList();
	}

}
