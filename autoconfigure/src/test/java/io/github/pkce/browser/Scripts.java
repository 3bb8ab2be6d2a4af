package io.github.pkce.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Small POSIX shell scripts that stand in for browsers in tests.
 *
 * @author pkce-spring-boot
 */
final class Scripts {

	private final Path directory;

	private final Set<ProcessHandle> childrenBefore;

	Scripts(Path directory) {
		this.directory = directory;
		this.childrenBefore = ProcessHandle.current().children().collect(Collectors.toSet());
	}

	/**
	 * A script that writes its argument count and then each argument, one a line, and
	 * exits 0.
	 */
	Path recording(String name) {
		return write(name, "{ printf '%s\\n' \"$#\"; printf '%s\\n' \"$@\"; } > '" + argumentsFile(name) + "'");
	}

	/**
	 * The arguments the recording script of that name received, or {@code null} if it
	 * never ran.
	 */
	List<String> recordedArguments(String name) {
		Path file = this.directory.resolve(argumentsFile(name));
		if (!Files.exists(file)) {
			return null;
		}
		try {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			int count = Integer.parseInt(lines.get(0));
			List<String> arguments = lines.subList(1, lines.size());
			if (arguments.size() != count) {
				throw new IllegalStateException("arguments contain line breaks: " + lines);
			}
			return arguments;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Path exiting(String name, int status) {
		return write(name, "exit " + status);
	}

	Path sleeping(String name) {
		return write(name, "exec sleep 60");
	}

	Path missing(String name) {
		return this.directory.resolve(name);
	}

	Path write(String name, String body) {
		Path script = this.directory.resolve(name);
		try {
			Files.writeString(script, "#!/bin/sh\ncd '" + this.directory + "'\n" + body + "\n", StandardCharsets.UTF_8);
			Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return script;
	}

	String read(String name) {
		try {
			return Files.readString(this.directory.resolve(name), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Ends, by process id, the scripts still running that these tests started.
	 */
	void stopStillRunning() {
		Set<ProcessHandle> started = new HashSet<>(ProcessHandle.current().children().collect(Collectors.toSet()));
		started.removeAll(this.childrenBefore);
		started.forEach(ProcessHandle::destroyForcibly);
	}

	private static String argumentsFile(String name) {
		return name + ".args";
	}

}
