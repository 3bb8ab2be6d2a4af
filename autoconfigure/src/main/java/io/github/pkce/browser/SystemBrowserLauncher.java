package io.github.pkce.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * {@link BrowserLauncher} that opens the user's default browser, the external user-agent
 * of <a href="https://www.rfc-editor.org/rfc/rfc8252#section-4.1">RFC 8252 section
 * 4.1</a>. It tries, in order, until one works:
 * <ol>
 * <li>each entry of the {@code BROWSER} environment variable, a list separated by
 * {@code :} ({@code ;} on Windows) as read by Python's {@code webbrowser} and by
 * {@code xdg-open}: an entry is a program and its arguments separated by white space (no
 * shell quoting), {@code %s} in an argument is replaced by the URL, and without
 * {@code %s} the URL is added as the last argument;</li>
 * <li>the platform's opener: {@code wslview} then {@code xdg-open} under Windows
 * Subsystem for Linux, {@code xdg-open} on Linux and other Unix systems, {@code open} on
 * macOS, {@code rundll32 url.dll,FileProtocolHandler} on Windows;</li>
 * <li>{@link java.awt.Desktop#browse(URI)}, when the {@code java.desktop} module is
 * present and a display may exist (AWT is never touched on a headless machine).</li>
 * </ol>
 * A command works when it starts and, within a grace period (two seconds by default), has
 * not exited with a non-zero status; a command still running then counts as success and
 * is left running, its output discarded. Commands never run through a shell, and only
 * {@code http} and {@code https} URIs are opened, passed as one argument, so a URL can
 * neither inject commands nor make an opener open a local file.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @author pkce-spring-boot
 * @see CommandBrowserLauncher
 */
public final class SystemBrowserLauncher implements BrowserLauncher {

	private static final Path KERNEL_VERSION_FILE = Path.of("/proc/version");

	private final Map<String, String> environment;

	private final OperatingSystem operatingSystem;

	private final Path kernelVersionFile;

	private final CommandRunner runner;

	private final BrowserLauncher desktop;

	/**
	 * Creates a launcher for this machine, with the default grace period of two seconds.
	 */
	public SystemBrowserLauncher() {
		this(ProcessCommandRunner.DEFAULT_GRACE_PERIOD);
	}

	/**
	 * Creates a launcher for this machine.
	 * @param gracePeriod how long to wait for a command to fail before taking it as
	 * started; zero takes any command that starts as a success
	 */
	public SystemBrowserLauncher(Duration gracePeriod) {
		this(System.getenv(), System.getProperty("os.name", ""), KERNEL_VERSION_FILE,
				new ProcessCommandRunner(gracePeriod), SystemBrowserLauncher::browseWithDesktop);
	}

	SystemBrowserLauncher(Map<String, String> environment, String osName, Path kernelVersionFile, CommandRunner runner,
			BrowserLauncher desktop) {
		Assert.notNull(environment, "environment cannot be null");
		Assert.notNull(osName, "osName cannot be null");
		Assert.notNull(kernelVersionFile, "kernelVersionFile cannot be null");
		Assert.notNull(runner, "runner cannot be null");
		Assert.notNull(desktop, "desktop cannot be null");
		this.environment = Map.copyOf(environment);
		this.operatingSystem = OperatingSystem.fromName(osName);
		this.kernelVersionFile = kernelVersionFile;
		this.runner = runner;
		this.desktop = desktop;
	}

	/**
	 * Opens the URI in the user's browser.
	 * @param uri the authorization request URI, {@code http} or {@code https}
	 * @return {@code true} if a browser was started, {@code false} if none could be
	 * opened or the URI is not an {@code http} or {@code https} address
	 */
	@Override
	public boolean open(URI uri) {
		Assert.notNull(uri, "uri cannot be null");
		if (!WebAddresses.isWebAddress(uri)) {
			return false;
		}
		String url = uri.toASCIIString();
		return runFirstWorking(browserVariableCommands(url)) || runFirstWorking(platformCommands(url))
				|| (mayHaveDisplay() && this.desktop.open(uri));
	}

	private boolean runFirstWorking(List<List<String>> commands) {
		for (List<String> command : commands) {
			if (this.runner.run(command)) {
				return true;
			}
		}
		return false;
	}

	private List<List<String>> browserVariableCommands(String url) {
		String browser = this.environment.get("BROWSER");
		if (browser == null) {
			return List.of();
		}
		String separator = (this.operatingSystem == OperatingSystem.WINDOWS) ? ";" : ":";
		List<List<String>> commands = new ArrayList<>();
		for (String entry : browser.split(separator)) {
			if (!entry.isBlank()) {
				commands.add(browserVariableCommand(entry.strip(), url));
			}
		}
		return commands;
	}

	private static List<String> browserVariableCommand(String entry, String url) {
		List<String> command = new ArrayList<>();
		boolean placeholder = false;
		for (String argument : entry.split("\\s+")) {
			placeholder |= argument.contains("%s");
			command.add(argument.replace("%s", url));
		}
		if (!placeholder) {
			command.add(url);
		}
		return command;
	}

	private List<List<String>> platformCommands(String url) {
		switch (this.operatingSystem) {
			case WINDOWS:
				return List.of(List.of("rundll32", "url.dll,FileProtocolHandler", url));
			case MAC:
				return List.of(List.of("open", url));
			default:
				if (isWindowsSubsystemForLinux()) {
					return List.of(List.of("wslview", url), List.of("xdg-open", url));
				}
				return List.of(List.of("xdg-open", url));
		}
	}

	private boolean isWindowsSubsystemForLinux() {
		if (this.environment.containsKey("WSL_DISTRO_NAME") || this.environment.containsKey("WSL_INTEROP")) {
			return true;
		}
		try {
			String kernelVersion = Files.readString(this.kernelVersionFile, StandardCharsets.UTF_8);
			return kernelVersion.toLowerCase(Locale.ROOT).contains("microsoft");
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private boolean mayHaveDisplay() {
		if (this.operatingSystem != OperatingSystem.UNIX) {
			return true;
		}
		// Without a display server AWT cannot open anything; checking here keeps it
		// unloaded
		return hasText(this.environment.get("DISPLAY")) || hasText(this.environment.get("WAYLAND_DISPLAY"));
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	private static boolean browseWithDesktop(URI uri) {
		if (Boolean.getBoolean("java.awt.headless")
				|| !ClassUtils.isPresent("java.awt.Desktop", SystemBrowserLauncher.class.getClassLoader())) {
			return false;
		}
		try {
			return DesktopBrowser.browse(uri);
		}
		catch (LinkageError ex) {
			return false;
		}
	}

	private enum OperatingSystem {

		WINDOWS, MAC, UNIX;

		static OperatingSystem fromName(String osName) {
			String name = osName.toLowerCase(Locale.ROOT);
			if (name.startsWith("windows")) {
				return WINDOWS;
			}
			if (name.startsWith("mac") || name.startsWith("darwin")) {
				return MAC;
			}
			return UNIX;
		}

	}

}
