package io.github.pkce.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sample's command line: Spring Boot properties ({@code --name.with.dots=value}), the
 * sample's own flags ({@code --demo}, {@code --auto-sign-in}), and the command for the
 * shell, which is everything else.
 *
 * @author pkce-spring-boot
 */
final class SampleArguments {

	/** Runs against the embedded demo identity provider. */
	static final String DEMO_FLAG = "--demo";

	/** Lets the scripted browser sign in as the demo user. */
	static final String AUTO_SIGN_IN_FLAG = "--auto-sign-in";

	/** The command that runs the whole demo, and switches demo mode on. */
	static final String DEMO_COMMAND = "demo";

	private static final String INTERACTIVE = "spring.shell.interactive.enabled";

	private final List<String> springArguments;

	private final boolean demo;

	private SampleArguments(List<String> springArguments, boolean demo) {
		this.springArguments = List.copyOf(springArguments);
		this.demo = demo;
	}

	/**
	 * Reads a command line.
	 * @param args the arguments given to {@code main}
	 * @return the parsed arguments
	 */
	static SampleArguments parse(String... args) {
		boolean demo = false;
		boolean autoSignIn = false;
		List<String> springArguments = new ArrayList<>();
		for (String arg : args) {
			switch (arg) {
				case DEMO_FLAG -> demo = true;
				case AUTO_SIGN_IN_FLAG -> autoSignIn = true;
				default -> springArguments.add(arg);
			}
		}
		List<String> command = command(springArguments);
		demo = demo || (!command.isEmpty() && DEMO_COMMAND.equals(command.get(0)));
		if (autoSignIn) {
			springArguments.add("--" + DemoMode.AUTO_SIGN_IN + "=true");
		}
		// a command given as arguments runs on its own, errors on standard error
		if (!command.isEmpty() && springArguments.stream().noneMatch((arg) -> arg.startsWith("--" + INTERACTIVE))) {
			springArguments.add("--" + INTERACTIVE + "=false");
		}
		return new SampleArguments(springArguments, demo);
	}

	/**
	 * Returns the words of the command for the shell: the arguments without the Spring
	 * Boot properties, which Spring Boot has read already.
	 * @param args the arguments
	 * @return the command, empty when there is none
	 */
	static List<String> command(String... args) {
		return command(Arrays.asList(args));
	}

	private static List<String> command(List<String> args) {
		return args.stream().filter((arg) -> !isSpringProperty(arg)).toList();
	}

	private static boolean isSpringProperty(String arg) {
		if (!arg.startsWith("--")) {
			return false;
		}
		int equals = arg.indexOf('=');
		String name = (equals != -1) ? arg.substring(2, equals) : arg.substring(2);
		// the commands' own options have no dots in their names
		return name.indexOf('.') > 0;
	}

	/**
	 * Returns the arguments for Spring Boot: all but the sample's flags, with the
	 * properties the flags stand for.
	 * @return the arguments
	 */
	String[] springArguments() {
		return this.springArguments.toArray(String[]::new);
	}

	/**
	 * Whether the demo identity provider is asked for.
	 * @return {@code true} for {@code --demo} or the {@code demo} command
	 */
	boolean isDemo() {
		return this.demo;
	}

}
