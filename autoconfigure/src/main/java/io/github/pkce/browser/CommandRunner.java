package io.github.pkce.browser;

import java.util.List;

/**
 * Runs one browser command and says whether it worked. A seam so that tests can record
 * what would be run instead of starting processes.
 *
 * @author pkce-spring-boot
 */
@FunctionalInterface
interface CommandRunner {

	/**
	 * Runs the command, never through a shell.
	 * @param command the program and its arguments
	 * @return {@code true} if the command started and has not failed
	 */
	boolean run(List<String> command);

}
