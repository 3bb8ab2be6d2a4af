package io.github.pkce;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What {@link LoginMethod#AUTO} knows about the machine it runs on: whether a browser can
 * be opened there, and if not, why. No browser can be opened in a CI environment
 * ({@code CI} set), in an SSH session ({@code SSH_CONNECTION}, {@code SSH_CLIENT} or
 * {@code SSH_TTY} set), when {@code java.awt.headless} is {@code true}, or on Linux and
 * other Unix systems without a display ({@code DISPLAY} and {@code WAYLAND_DISPLAY}
 * unset), unless under Windows Subsystem for Linux, where {@code wslview} opens the
 * Windows browser.
 * <p>
 * Built from an environment and system properties passed in, so tests never read the real
 * ones; {@link #current()} reads this process's. Immutable.
 *
 * @author pkce-spring-boot
 */
public final class LoginEnvironment {

	private static final String HEADLESS = "java.awt.headless";

	private static final String OS_NAME = "os.name";

	private final Map<String, String> environment;

	private final Map<String, String> systemProperties;

	private LoginEnvironment(Map<String, String> environment, Map<String, String> systemProperties) {
		this.environment = Map.copyOf(environment);
		this.systemProperties = Map.copyOf(systemProperties);
	}

	/**
	 * Returns the environment of this process. {@code java.awt.headless} counts only when
	 * it is given on the command line ({@code -Djava.awt.headless=true}): Spring Boot's
	 * {@code SpringApplication} sets it to {@code true} in every application, so its
	 * value at run time says nothing about the machine.
	 * @return the current environment
	 */
	public static LoginEnvironment current() {
		Map<String, String> properties = new HashMap<>();
		properties.put(OS_NAME, System.getProperty(OS_NAME, ""));
		String headless = headlessFromCommandLine();
		if (headless != null) {
			properties.put(HEADLESS, headless);
		}
		return new LoginEnvironment(System.getenv(), properties);
	}

	/**
	 * Returns an environment made of the given variables and system properties; of the
	 * properties, {@code os.name} and {@code java.awt.headless} are read.
	 * @param environment the environment variables
	 * @param systemProperties the system properties
	 * @return the environment
	 */
	public static LoginEnvironment of(Map<String, String> environment, Map<String, String> systemProperties) {
		Assert.notNull(environment, "environment cannot be null");
		Assert.notNull(systemProperties, "systemProperties cannot be null");
		return new LoginEnvironment(environment, systemProperties);
	}

	/**
	 * Whether a browser can be opened on this machine.
	 * @return {@code true} unless a sign of a machine without a browser is present
	 */
	public boolean canOpenBrowser() {
		return noBrowserReason() == null;
	}

	/**
	 * Returns why no browser can be opened, for a message to the user.
	 * @return the reason, such as "an SSH session", or {@code null} when a browser can be
	 * opened
	 */
	public @Nullable String noBrowserReason() {
		if (isContinuousIntegration()) {
			return "a CI environment";
		}
		if (isRemoteSession()) {
			return "an SSH session";
		}
		if ("true".equalsIgnoreCase(this.systemProperties.get(HEADLESS))) {
			return "java.awt.headless is true";
		}
		if (isUnixWithoutDisplay()) {
			return "no display: DISPLAY and WAYLAND_DISPLAY are not set";
		}
		return null;
	}

	/**
	 * Whether this is an SSH session: a browser elsewhere cannot reach the loopback
	 * redirect on this machine without a forwarded port.
	 * @return whether {@code SSH_CONNECTION}, {@code SSH_CLIENT} or {@code SSH_TTY} is
	 * set
	 */
	public boolean isRemoteSession() {
		return isSet("SSH_CONNECTION") || isSet("SSH_CLIENT") || isSet("SSH_TTY");
	}

	private boolean isContinuousIntegration() {
		String ci = this.environment.get("CI");
		return hasText(ci) && !"false".equalsIgnoreCase(ci.strip()) && !"0".equals(ci.strip());
	}

	private boolean isUnixWithoutDisplay() {
		String os = this.systemProperties.getOrDefault(OS_NAME, "").toLowerCase(Locale.ROOT);
		if (os.startsWith("windows") || os.startsWith("mac") || os.startsWith("darwin")) {
			return false;
		}
		boolean windowsSubsystem = isSet("WSL_DISTRO_NAME") || isSet("WSL_INTEROP");
		return !windowsSubsystem && !isSet("DISPLAY") && !isSet("WAYLAND_DISPLAY");
	}

	private boolean isSet(String name) {
		return hasText(this.environment.get(name));
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	private static @Nullable String headlessFromCommandLine() {
		try {
			List<String> arguments = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
			String value = null;
			for (String argument : arguments) {
				if (argument.startsWith("-D" + HEADLESS + "=")) {
					value = argument.substring(HEADLESS.length() + 3);
				}
			}
			return value;
		}
		catch (RuntimeException | LinkageError ex) {
			// no java.management module: only the environment decides
			return null;
		}
	}

	@Override
	public String toString() {
		String reason = noBrowserReason();
		return "LoginEnvironment[" + ((reason != null) ? "no browser: " + reason : "browser") + "]";
	}

}
