package io.github.pkce.browser;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SystemBrowserLauncher}.
 *
 * @author pkce-spring-boot
 */
class SystemBrowserLauncherTests {

	private static final URI URL = URI.create("http://127.0.0.1:53682/authorize?client_id=cli&state=s1");

	private static final String URL_TEXT = URL.toASCIIString();

	// Long enough for a loaded machine to run a script that exits at once; never waited
	// out, because those scripts exit before it ends
	private static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

	private static final Duration SHORT_GRACE_PERIOD = Duration.ofMillis(200);

	@TempDir
	Path directory;

	private Scripts scripts;

	private final List<URI> desktopRequests = new ArrayList<>();

	@BeforeEach
	void createScripts() {
		this.scripts = new Scripts(this.directory);
	}

	@AfterEach
	void stopScripts() {
		this.scripts.stopStillRunning();
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void browserVariableWinsOverXdgOpen() {
		Path browser = this.scripts.recording("browser");
		RecordingCommandRunner runner = scriptsOnly(GRACE_PERIOD);
		assertThat(launcher(Map.of("BROWSER", browser.toString()), "Linux", runner).open(URL)).isTrue();
		assertThat(runner.commands()).containsExactly(List.of(browser.toString(), URL_TEXT));
		assertThat(this.scripts.recordedArguments("browser")).containsExactly(URL_TEXT);
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void browserVariablePlaceholderIsReplacedByTheUrl() {
		Path browser = this.scripts.recording("browser");
		Map<String, String> environment = Map.of("BROWSER", browser + " --new-tab %s --raise");
		assertThat(launcher(environment, "Linux", scriptsOnly(GRACE_PERIOD)).open(URL)).isTrue();
		assertThat(this.scripts.recordedArguments("browser")).containsExactly("--new-tab", URL_TEXT, "--raise");
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void browserVariableEntryWithoutPlaceholderGetsTheUrlAsLastArgument() {
		Path browser = this.scripts.recording("browser");
		Map<String, String> environment = Map.of("BROWSER", browser + " --new-window");
		assertThat(launcher(environment, "Linux", scriptsOnly(GRACE_PERIOD)).open(URL)).isTrue();
		assertThat(this.scripts.recordedArguments("browser")).containsExactly("--new-window", URL_TEXT);
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void failingBrowserVariableEntriesFallThroughToTheNext() {
		Path failing = this.scripts.exiting("failing", 3);
		Path missing = this.scripts.missing("missing");
		Path browser = this.scripts.recording("browser");
		Map<String, String> environment = Map.of("BROWSER", failing + ":" + missing + ":" + browser);
		RecordingCommandRunner runner = scriptsOnly(GRACE_PERIOD);
		assertThat(launcher(environment, "Linux", runner).open(URL)).isTrue();
		assertThat(runner.commands()).containsExactly(List.of(failing.toString(), URL_TEXT),
				List.of(missing.toString(), URL_TEXT), List.of(browser.toString(), URL_TEXT));
		assertThat(this.scripts.recordedArguments("browser")).containsExactly(URL_TEXT);
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void failingCommandsEverywhereReturnFalse() {
		Path failing = this.scripts.exiting("failing", 3);
		RecordingCommandRunner runner = scriptsOnly(GRACE_PERIOD);
		assertThat(launcher(Map.of("BROWSER", failing.toString()), "Linux", runner).open(URL)).isFalse();
		assertThat(runner.commands()).containsExactly(List.of(failing.toString(), URL_TEXT),
				List.of("xdg-open", URL_TEXT));
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void commandStillRunningAfterTheGracePeriodCountsAsSuccess() {
		Path sleeping = this.scripts.sleeping("sleeping");
		this.scripts.recording("browser");
		Map<String, String> environment = Map.of("BROWSER", sleeping + ":" + this.directory.resolve("browser"));
		RecordingCommandRunner runner = scriptsOnly(SHORT_GRACE_PERIOD);
		assertThat(launcher(environment, "Linux", runner).open(URL)).isTrue();
		assertThat(runner.commands()).containsExactly(List.of(sleeping.toString(), URL_TEXT));
		assertThat(this.scripts.recordedArguments("browser")).isNull();
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void urlWithShellMetacharactersArrivesAsOneUnchangedArgument() throws Exception {
		URI hostile = new URI("http", null, "127.0.0.1", 53682, "/callback dir/it's",
				"a=1;touch${IFS}pwned&b=$(touch pwned)&c='quoted' \"double\" `touch pwned`|x>y", null);
		URI plain = URI.create("https://example.com/a;b?x=$(touch$IFS'pwned')&y=';touch$IFS'pwned'");
		for (URI uri : List.of(hostile, plain)) {
			Path browser = this.scripts.recording("browser");
			Map<String, String> environment = Map.of("BROWSER", browser + " %s");
			assertThat(launcher(environment, "Linux", scriptsOnly(GRACE_PERIOD)).open(uri)).isTrue();
			assertThat(this.scripts.recordedArguments("browser")).containsExactly(uri.toASCIIString());
		}
		assertThat(this.directory.resolve("pwned")).doesNotExist();
	}

	@ParameterizedTest
	@ValueSource(strings = { "file:///etc/passwd", "javascript:alert(1)", "ftp://example.com/file",
			"mailto:user@example.com", "data:text/html,hi", "http:opaque", "/relative/path", "--new-window",
			"smb://host/share" })
	void nonWebAddressesAreRefusedWithoutRunningAnything(String address) {
		RecordingCommandRunner runner = RecordingCommandRunner.working((command) -> true);
		Map<String, String> environment = Map.of("BROWSER", "browser", "DISPLAY", ":0");
		assertThat(launcher(environment, "Linux", runner).open(URI.create(address))).isFalse();
		assertThat(runner.commands()).isEmpty();
		assertThat(this.desktopRequests).isEmpty();
	}

	@Test
	void httpsInAnyCaseIsAccepted() {
		RecordingCommandRunner runner = RecordingCommandRunner.working((command) -> true);
		URI uri = URI.create("HTTPS://example.com/authorize");
		assertThat(launcher(Map.of(), "Linux", runner).open(uri)).isTrue();
		assertThat(runner.commands()).containsExactly(List.of("xdg-open", uri.toString()));
	}

	@Test
	void linuxUsesXdgOpen() {
		assertThat(commandsTried(Map.of(), "Linux")).containsExactly(List.of("xdg-open", URL_TEXT));
	}

	@Test
	void bsdUsesXdgOpen() {
		assertThat(commandsTried(Map.of(), "FreeBSD")).containsExactly(List.of("xdg-open", URL_TEXT));
	}

	@Test
	void macUsesOpen() {
		assertThat(commandsTried(Map.of(), "Mac OS X")).containsExactly(List.of("open", URL_TEXT));
	}

	@Test
	void windowsUsesTheUrlProtocolHandler() {
		assertThat(commandsTried(Map.of(), "Windows 11"))
			.containsExactly(List.of("rundll32", "url.dll,FileProtocolHandler", URL_TEXT));
	}

	@Test
	void windowsSubsystemForLinuxTriesWslviewBeforeXdgOpen() {
		assertThat(commandsTried(Map.of("WSL_DISTRO_NAME", "Debian"), "Linux"))
			.containsExactly(List.of("wslview", URL_TEXT), List.of("xdg-open", URL_TEXT));
		assertThat(commandsTried(Map.of("WSL_INTEROP", "/run/WSL/1_interop"), "Linux"))
			.containsExactly(List.of("wslview", URL_TEXT), List.of("xdg-open", URL_TEXT));
	}

	@Test
	void windowsSubsystemForLinuxIsRecognisedByItsKernelVersion() throws Exception {
		Files.writeString(kernelVersionFile(),
				"Linux version 5.15.153.1-microsoft-standard-WSL2 (root@941d701f84f1) (gcc (GCC) 11.2.0)",
				StandardCharsets.UTF_8);
		assertThat(commandsTried(Map.of(), "Linux")).containsExactly(List.of("wslview", URL_TEXT),
				List.of("xdg-open", URL_TEXT));
	}

	@Test
	void plainLinuxKernelDoesNotTryWslview() throws Exception {
		Files.writeString(kernelVersionFile(), "Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org)",
				StandardCharsets.UTF_8);
		assertThat(commandsTried(Map.of(), "Linux")).containsExactly(List.of("xdg-open", URL_TEXT));
	}

	@Test
	void windowsSeparatesBrowserVariableEntriesWithSemicolons() {
		Map<String, String> environment = Map.of("BROWSER", "C:\\Tools\\firefox.exe;chrome --incognito %s");
		assertThat(commandsTried(environment, "Windows 10")).containsExactly(
				List.of("C:\\Tools\\firefox.exe", URL_TEXT), List.of("chrome", "--incognito", URL_TEXT),
				List.of("rundll32", "url.dll,FileProtocolHandler", URL_TEXT));
	}

	@Test
	void blankBrowserVariableEntriesAreSkipped() {
		assertThat(commandsTried(Map.of("BROWSER", ": :\t:"), "Linux")).containsExactly(List.of("xdg-open", URL_TEXT));
	}

	@Test
	void desktopIsTriedLastWhenADisplayExists() {
		RecordingCommandRunner runner = RecordingCommandRunner.failing();
		assertThat(launcher(Map.of("DISPLAY", ":0"), "Linux", runner).open(URL)).isFalse();
		assertThat(runner.commands()).containsExactly(List.of("xdg-open", URL_TEXT));
		assertThat(this.desktopRequests).containsExactly(URL);
	}

	@Test
	void desktopIsTriedOnMacAndWindowsWithoutDisplayVariables() {
		launcher(Map.of(), "Mac OS X", RecordingCommandRunner.failing()).open(URL);
		launcher(Map.of(), "Windows 11", RecordingCommandRunner.failing()).open(URL);
		assertThat(this.desktopRequests).containsExactly(URL, URL);
	}

	@Test
	void desktopIsNotTriedWithoutADisplay() {
		assertThat(launcher(Map.of(), "Linux", RecordingCommandRunner.failing()).open(URL)).isFalse();
		assertThat(this.desktopRequests).isEmpty();
	}

	@Test
	void desktopIsNotTriedWhenACommandWorks() {
		RecordingCommandRunner runner = RecordingCommandRunner.working((command) -> true);
		assertThat(launcher(Map.of("DISPLAY", ":0"), "Linux", runner).open(URL)).isTrue();
		assertThat(this.desktopRequests).isEmpty();
	}

	private List<List<String>> commandsTried(Map<String, String> environment, String osName) {
		RecordingCommandRunner runner = RecordingCommandRunner.failing();
		assertThat(launcher(environment, osName, runner).open(URL)).isFalse();
		return runner.commands();
	}

	private SystemBrowserLauncher launcher(Map<String, String> environment, String osName, CommandRunner runner) {
		return new SystemBrowserLauncher(environment, osName, kernelVersionFile(), runner, this::desktop);
	}

	private RecordingCommandRunner scriptsOnly(Duration gracePeriod) {
		return RecordingCommandRunner.scriptsOnly(this.directory, new ProcessCommandRunner(gracePeriod));
	}

	private Path kernelVersionFile() {
		return this.directory.resolve("proc-version");
	}

	private boolean desktop(URI uri) {
		this.desktopRequests.add(uri);
		return false;
	}

}
