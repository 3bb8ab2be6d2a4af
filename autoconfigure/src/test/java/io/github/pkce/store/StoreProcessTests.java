package io.github.pkce.store;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.pkce.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of the stores in child JVMs ({@link StoreChild}): without any keyring, with a
 * locked keyring, and killed while saving.
 *
 * @author pkce-spring-boot
 */
class StoreProcessTests {

	// Bounds for a loaded machine, never waited out when things work
	private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

	private static final int KILLS = 6;

	@TempDir
	Path temp;

	@Test
	@EnabledOnOs(OS.LINUX)
	void autoFallsBackToTheFilesWithOneWarningWhenThereIsNoKeyring() throws Exception {
		Path xdg = this.temp.resolve("xdg");
		ProcessBuilder builder = child("auto", "pkce-test-app");
		Map<String, String> environment = builder.environment();
		environment.remove("DBUS_SESSION_BUS_ADDRESS");
		environment.remove("DISPLAY");
		environment.remove("WAYLAND_DISPLAY");
		environment.put("XDG_CONFIG_HOME", xdg.toString());
		Result result = run(builder);
		Path directory = xdg.resolve("pkce-test-app");
		Path file = directory.resolve("credentials-" + StoreChild.KEY + ".json");
		assertThat(result.status()).as(result.output()).isZero();
		assertThat(result.output()).containsOnlyOnce("The system keyring is not available (")
			.contains("); credentials are stored in " + file + " (owner-only). Set auth.pkce.store.type=file to "
					+ "silence this warning, or keyring to require the keyring.")
			.contains("RESULT before=null", "RESULT loaded=true", "RESULT file=" + file)
			.doesNotContain(TestCredentials.SECRET_MARK);
		assertThat(new FileCredentialStore(directory).load(StoreChild.KEY)).isEqualTo(TestCredentials.second());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
	}

	@Test
	void fileStoreKilledWhileSavingKeepsTheOldOrTheNewCredentials() throws Exception {
		Path directory = this.temp.resolve("store");
		FileCredentialStore store = new FileCredentialStore(directory);
		killWhileSaving(() -> child("save-loop-file", directory.toString()), store, false);
		String name = store.getFile(StoreChild.KEY).getFileName().toString();
		store.save(StoreChild.KEY, TestCredentials.minimal());
		try (Stream<Path> files = Files.list(directory)) {
			assertThat(files.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder(name,
					name + ".lock");
		}
	}

	@Test
	@EnabledIfSecretService
	void keyringStoreKilledWhileSavingKeepsTheOldOrTheNewCredentials() throws Exception {
		String service = "pkce-spring-boot-test-" + UUID.randomUUID();
		try (KeyringCredentialStore store = new KeyringCredentialStore(service, Duration.ofSeconds(20))) {
			try {
				killWhileSaving(() -> child("save-loop-keyring", service), store, true);
			}
			finally {
				store.delete(StoreChild.KEY);
			}
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void lockedKeyringFailsClearlyWithinTheTimeout() throws Exception {
		assumeTrue(onPath("dbus-run-session") && onPath("gnome-keyring-daemon"),
				"dbus-run-session or gnome-keyring-daemon is not installed");
		Path home = Files.createDirectory(this.temp.resolve("home"));
		// a first session creates the login keyring, unlocked with a password; the daemon
		// runs in the foreground so that it can be stopped (a daemonized one outlives its
		// bus)
		ProcessBuilder create = isolated(home, "create", List.of("dbus-run-session", "--", "sh", "-c",
				"printf %s pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 & "
						+ "daemon=$!; for i in $(seq 100); do [ -f \"$HOME/.local/share/keyrings/login.keyring\" ] "
						+ "&& break; sleep 0.1; done; kill $daemon; wait $daemon; "
						+ "[ -f \"$HOME/.local/share/keyrings/login.keyring\" ]"));
		Result created = run(create);
		Path keyringFile = home.resolve(".local/share/keyrings/login.keyring");
		assumeTrue(created.status() == 0 && Files.exists(keyringFile),
				() -> "Could not create a keyring to lock: " + created.output());
		// a second session starts the daemon without the password: the keyring is locked
		List<String> command = new ArrayList<>(List.of("dbus-run-session", "--", "sh", "-c",
				"gnome-keyring-daemon --start --components=secrets >/dev/null </dev/null && exec \"$@\"", "sh"));
		command.addAll(child("locked", "pkce-spring-boot-test-locked", "1000").command());
		ProcessBuilder locked = isolated(home, "locked", command);
		// Java takes user.home from the password database, not from HOME
		Path xdg = this.temp.resolve("xdg");
		locked.environment().put("XDG_CONFIG_HOME", xdg.toString());
		Result result = run(locked);
		System.out.println("Locked keyring, timeout 1 s:");
		result.output().lines().filter((line) -> line.startsWith("RESULT ")).forEach(System.out::println);
		assertThat(result.status()).as(result.output()).isZero();
		assertThat(result.output())
			.containsPattern("RESULT first=PkceException credential_store_error in [0-9.]+ ms: Could not write "
					+ "credentials in the system keyring: ")
			.contains("Unlock or repair the keyring and try again, or choose the file credential store.")
			.containsPattern("RESULT second=PkceException credential_store_error in [0-9.]+ ms: Could not read "
					+ "credentials in the system keyring: ")
			.contains("RESULT usable=false")
			.containsOnlyOnce("The system keyring is not available (")
			.contains("credentials are stored in "
					+ xdg.resolve("pkce-locked-test/credentials-" + StoreChild.KEY + ".json") + " (owner-only)")
			.contains("RESULT auto loaded=true")
			.containsPattern("RESULT auto=succeeded in [0-9.]+ ms");
	}

	@Test
	@EnabledIfSecretService
	void measuresTheCostOfTheKeyring() throws Exception {
		for (int run = 1; run <= 3; run++) {
			String service = "pkce-spring-boot-test-" + UUID.randomUUID();
			System.out.println("Keyring costs, run " + run + ":");
			measure(child("measure", service));
			// a new JVM reads back what the first one left: a bad read fails the test, it
			// does not just print a figure
			assertThat(measure(child("measure-cold-read", service)).output()).contains("RESULT read back=true");
		}
	}

	// Prints the figures; no bound on them, they document the cost
	private Result measure(ProcessBuilder child) throws Exception {
		Result result = run(child);
		assertThat(result.status()).as(result.output()).isZero();
		result.output().lines().filter((line) -> line.startsWith("RESULT ")).forEach(System.out::println);
		return result;
	}

	private void killWhileSaving(ChildFactory factory, CredentialStore store, boolean large) throws Exception {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		List<Credentials> expected = List.of(StoreChild.first(large), StoreChild.second(large));
		for (int kill = 1; kill <= KILLS; kill++) {
			Path output = this.temp.resolve("kill-" + kill + ".txt");
			Process process = factory.create().redirectOutput(output.toFile()).start();
			try {
				awaitLine(process, output, "RESULT READY");
				Thread.sleep(random.nextInt(300));
			}
			finally {
				process.destroyForcibly();
				assertThat(process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			}
			assertThat(store.load(StoreChild.KEY)).as("after kill %d (seed %d)", kill, seed).isIn(expected);
		}
	}

	private static void awaitLine(Process process, Path output, String line) throws Exception {
		long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			String text = Files.readString(output, StandardCharsets.UTF_8);
			if (text.lines().anyMatch(line::equals)) {
				return;
			}
			assertThat(process.isAlive()).as(text).isTrue();
			Thread.sleep(10);
		}
		throw new AssertionError("The child did not print " + line + " within " + CHILD_TIMEOUT);
	}

	private static ProcessBuilder child(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(StoreChild.class.getName());
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true);
	}

	// A process tree that can neither see nor start the user's own keyring
	private ProcessBuilder isolated(Path home, String name, List<String> command) throws IOException {
		Path runtime = Files.createDirectories(this.temp.resolve("runtime-" + name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		Stream
			.of("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK",
					"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
			.forEach(environment::remove);
		environment.put("HOME", home.toString());
		environment.put("XDG_RUNTIME_DIR", runtime.toString());
		return builder;
	}

	private Result run(ProcessBuilder builder) throws Exception {
		Path output = Files.createTempFile(this.temp, "child", ".txt");
		Process process = builder.redirectOutput(output.toFile()).start();
		process.getOutputStream().close();
		boolean finished = process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!finished) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		String text = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(finished).as("the child finished within %s: %s", CHILD_TIMEOUT, text).isTrue();
		return new Result(process.exitValue(), text);
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		return Stream.of(path.split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, program)));
	}

	@FunctionalInterface
	private interface ChildFactory {

		ProcessBuilder create() throws IOException;

	}

	private record Result(int status, String output) {

	}

}
