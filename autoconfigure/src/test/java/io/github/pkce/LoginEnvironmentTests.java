package io.github.pkce;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each sign of a machine without a browser, injected: the real environment is never read.
 */
class LoginEnvironmentTests {

	private static final Map<String, String> LINUX = Map.of("os.name", "Linux");

	private static final Map<String, String> DESKTOP = Map.of("DISPLAY", ":0");

	private static LoginEnvironment linux(Map<String, String> environment) {
		return LoginEnvironment.of(environment, LINUX);
	}

	@Test
	void linuxDesktopCanOpenABrowser() {
		assertThat(linux(DESKTOP).canOpenBrowser()).isTrue();
		assertThat(linux(Map.of("WAYLAND_DISPLAY", "wayland-0")).canOpenBrowser()).isTrue();
		assertThat(linux(DESKTOP).noBrowserReason()).isNull();
	}

	@Test
	void linuxWithoutDisplayCannot() {
		LoginEnvironment environment = linux(Map.of("DISPLAY", " "));
		assertThat(environment.canOpenBrowser()).isFalse();
		assertThat(environment.noBrowserReason()).isEqualTo("no display: DISPLAY and WAYLAND_DISPLAY are not set");
		assertThat(LoginEnvironment.of(Map.of(), Map.of("os.name", "FreeBSD")).canOpenBrowser()).isFalse();
	}

	@Test
	void windowsSubsystemForLinuxOpensTheWindowsBrowserWithoutDisplay() {
		assertThat(linux(Map.of("WSL_DISTRO_NAME", "Ubuntu")).canOpenBrowser()).isTrue();
		assertThat(linux(Map.of("WSL_INTEROP", "/run/WSL/1_interop")).canOpenBrowser()).isTrue();
	}

	@Test
	void macOsAndWindowsNeedNoDisplayVariable() {
		assertThat(LoginEnvironment.of(Map.of(), Map.of("os.name", "Mac OS X")).canOpenBrowser()).isTrue();
		assertThat(LoginEnvironment.of(Map.of(), Map.of("os.name", "Windows 11")).canOpenBrowser()).isTrue();
	}

	@Test
	void sshSessionCannot() {
		for (String variable : new String[] { "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY" }) {
			LoginEnvironment environment = LoginEnvironment.of(Map.of("DISPLAY", "localhost:10.0", variable, "x"),
					LINUX);
			assertThat(environment.canOpenBrowser()).as(variable).isFalse();
			assertThat(environment.isRemoteSession()).as(variable).isTrue();
			assertThat(environment.noBrowserReason()).isEqualTo("an SSH session");
		}
		LoginEnvironment mac = LoginEnvironment.of(Map.of("SSH_TTY", "/dev/ttys001"), Map.of("os.name", "Mac OS X"));
		assertThat(mac.noBrowserReason()).isEqualTo("an SSH session");
		assertThat(linux(DESKTOP).isRemoteSession()).isFalse();
	}

	@Test
	void continuousIntegrationCannot() {
		assertThat(linux(Map.of("DISPLAY", ":0", "CI", "true")).noBrowserReason()).isEqualTo("a CI environment");
		assertThat(LoginEnvironment.of(Map.of("CI", "1"), Map.of("os.name", "Windows 11")).canOpenBrowser()).isFalse();
		assertThat(linux(Map.of("DISPLAY", ":0", "CI", "false")).canOpenBrowser()).isTrue();
		assertThat(linux(Map.of("DISPLAY", ":0", "CI", "0")).canOpenBrowser()).isTrue();
		assertThat(linux(Map.of("DISPLAY", ":0", "CI", "")).canOpenBrowser()).isTrue();
	}

	@Test
	void headlessJavaCannot() {
		LoginEnvironment headless = LoginEnvironment.of(Map.of(),
				Map.of("os.name", "Mac OS X", "java.awt.headless", "true"));
		assertThat(headless.noBrowserReason()).isEqualTo("java.awt.headless is true");
		assertThat(LoginEnvironment.of(Map.of(), Map.of("os.name", "Mac OS X", "java.awt.headless", "false"))
			.canOpenBrowser()).isTrue();
	}

	@Test
	void currentEnvironmentCanBeRead() {
		assertThat(LoginEnvironment.current().toString()).startsWith("LoginEnvironment[");
	}

}
