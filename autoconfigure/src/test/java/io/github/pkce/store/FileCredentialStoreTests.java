package io.github.pkce.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.github.pkce.Credentials;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FileCredentialStore}, on real files.
 *
 * @author pkce-spring-boot
 */
@ExtendWith(OutputCaptureExtension.class)
class FileCredentialStoreTests {

	@TempDir
	Path temp;

	private Path directory;

	private FileCredentialStore store;

	@BeforeEach
	void createStore() {
		this.directory = this.temp.resolve("config/app");
		this.store = new FileCredentialStore(this.directory);
	}

	@Test
	void credentialsSurviveARoundTrip() {
		this.store.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(new FileCredentialStore(this.directory).load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void dpopKeySurvivesARestartAndIsDeletedWithTheCredentials() {
		this.store.save("key", TestCredentials.dpopBound());
		Credentials loaded = new FileCredentialStore(this.directory).load("key");
		assertThat(loaded).isEqualTo(TestCredentials.dpopBound());
		assertThat(loaded.dpopKey()).isNotNull();
		assertThat(loaded.dpopKey().thumbprint()).isEqualTo(TestCredentials.DPOP_KEY.thumbprint());
		assertThat(loaded.isDpopBound()).isTrue();
		this.store.delete("key");
		assertThat(new FileCredentialStore(this.directory).load("key")).isNull();
	}

	@Test
	void missingCredentialsReadAsNothingWithoutCreatingTheDirectory() {
		assertThat(this.store.load("key")).isNull();
		this.store.delete("key");
		assertThat(this.directory).doesNotExist();
	}

	@Test
	void saveReplacesTheCredentials() {
		this.store.save("key", TestCredentials.first());
		this.store.save("key", TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.second());
	}

	@Test
	void deleteRemovesTheFile() {
		this.store.save("key", TestCredentials.first());
		this.store.delete("key");
		assertThat(this.store.load("key")).isNull();
		assertThat(this.store.getFile("key")).doesNotExist();
	}

	@Test
	void keysAreKeptApart() {
		this.store.save("one", TestCredentials.first());
		this.store.save("https://idp.example.com|cli", TestCredentials.second());
		this.store.delete("one");
		assertThat(this.store.load("one")).isNull();
		assertThat(this.store.load("https://idp.example.com|cli")).isEqualTo(TestCredentials.second());
	}

	@Test
	void plainKeyNamesItsFile() {
		assertThat(this.store.getFile("idp.example.com-cli-0123456789abcdef"))
			.isEqualTo(this.directory.resolve("credentials-idp.example.com-cli-0123456789abcdef.json"));
	}

	@Test
	void otherKeysAreMadeSafeAndUnique() {
		assertThat(FileCredentialStore.fileName("https://idp.example.com|cli"))
			.matches("credentials-https_idp.example.com_cli\\+[0-9a-f]{16}\\.json");
		assertThat(FileCredentialStore.fileName("Key")).isNotEqualTo(FileCredentialStore.fileName("key"))
			.matches("credentials-key\\+[0-9a-f]{16}\\.json");
		assertThat(FileCredentialStore.fileName("../../etc/passwd")).doesNotContain("/").startsWith("credentials-");
		assertThat(FileCredentialStore.fileName("k".repeat(500))).hasSizeLessThan(100);
		assertThat(FileCredentialStore.fileName("a/b")).isNotEqualTo(FileCredentialStore.fileName("a\\b"));
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void directoryAndFileAreOwnerOnly() throws Exception {
		this.store.save("key", TestCredentials.first());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.store.getFile("key"))))
			.isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files
			.getPosixFilePermissions(this.directory.resolve(this.store.getFile("key").getFileName() + ".lock"))))
			.isEqualTo("rw-------");
		this.store.save("key", TestCredentials.second());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.store.getFile("key"))))
			.isEqualTo("rw-------");
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void existingFileReadableByOthersIsReportedAndMadeOwnerOnly(CapturedOutput output) throws Exception {
		this.store.save("key", TestCredentials.first());
		Path file = this.store.getFile("key");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(output).containsOnlyOnce("The credentials file " + file
				+ " was accessible to other users (rw-r--r--); it is now owner-only (rw-------).");
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(output).containsOnlyOnce("was accessible to other users");
	}

	@Test
	void symlinkedCredentialsFileIsRefusedAndItsTargetLeftAlone() throws Exception {
		Files.createDirectories(this.directory);
		Path target = Files.writeString(this.temp.resolve("elsewhere.txt"), "not yours");
		Path file = this.store.getFile("key");
		Files.createSymbolicLink(file, target);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.save("key", TestCredentials.first()))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CREDENTIAL_STORE))
			.withMessage("Refusing to save the credentials file " + file + " through a symbolic link, which could"
					+ " lead the credentials to a place others control. Remove the link (rm " + file
					+ ") and sign in again.")
			.withMessageNotContaining(TestCredentials.SECRET_MARK);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"))
			.withMessageStartingWith("Refusing to read the credentials file " + file + " through a symbolic link");
		assertThat(target).hasContent("not yours");
		assertThat(Files.isSymbolicLink(file)).isTrue();
	}

	@Test
	void danglingSymlinkIsRefusedAndNothingIsCreatedThroughIt() throws Exception {
		Files.createDirectories(this.directory);
		Path target = this.temp.resolve("planted.json");
		Files.createSymbolicLink(this.store.getFile("key"), target);
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> this.store.save("key", TestCredentials.first()));
		assertThat(target).doesNotExist();
	}

	@Test
	void symlinkedLockFileIsRefused() throws Exception {
		Files.createDirectories(this.directory);
		Path target = this.temp.resolve("victim");
		Path file = this.store.getFile("key");
		Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
		Files.createSymbolicLink(lockFile, target);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.save("key", TestCredentials.first()))
			.withMessageStartingWith("Refusing to save the credentials file " + lockFile + " through a symbolic link");
		assertThat(target).doesNotExist();
		assertThat(file).doesNotExist();
	}

	@Test
	void symlinkedDirectoryIsRefused() throws Exception {
		Path real = Files.createDirectories(this.temp.resolve("real"));
		Files.createDirectories(this.directory.getParent());
		Files.createSymbolicLink(this.directory, real);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.save("key", TestCredentials.first()))
			.withMessage("Refusing to save credentials in " + this.directory + ": it is a symbolic link, which could"
					+ " lead the credentials to a place others control. Replace it with a directory of your own"
					+ " (mkdir -m 700), or choose another directory.");
		try (Stream<Path> files = Files.list(real)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void directoryOthersCanWriteIsRefused() throws Exception {
		this.store.save("key", TestCredentials.first());
		for (String permissions : List.of("rwxrwx---", "rwx---rwx", "rwxrwxrwx")) {
			Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString(permissions));
			String shown = PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory));
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> this.store.save("key", TestCredentials.second()))
				.withMessage("Refusing to save credentials in " + this.directory + ": other users can write to it ("
						+ shown + ") and could replace the credentials. Run chmod 700 " + this.directory
						+ ", or choose another directory.");
			assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"))
				.withMessageStartingWith("Refusing to read credentials in " + this.directory);
		}
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		this.store.save("key", TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.second());
	}

	@Test
	void everyTruncationOfAStoredFileReadsAsNothingWithOneWarningEach(CapturedOutput output) throws Exception {
		this.store.save("key", TestCredentials.first());
		Path file = this.store.getFile("key");
		byte[] full = Files.readAllBytes(file);
		for (int length = 0; length < full.length; length++) {
			Files.write(file, java.util.Arrays.copyOf(full, length));
			// a distinct modification time for each version, as a real truncation has
			Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L + length));
			assertThat(this.store.load("key")).isNull();
			assertThat(this.store.load("key")).isNull();
		}
		assertThat(output.toString().split("Ignoring the credentials file ", -1)).hasSize(full.length + 1);
		assertThat(output).doesNotContain(TestCredentials.SECRET_MARK);
	}

	@Test
	void hostileFilesReadAsNothingAndNeverQuoteTheirContent(CapturedOutput output) throws Exception {
		Files.createDirectories(this.directory);
		Path file = this.store.getFile("key");
		List<byte[]> hostile = List.of(new byte[] { (byte) 0xff, (byte) 0xfe, 0, 'S' },
				"SECRET\u0000".getBytes(StandardCharsets.UTF_8), "[".repeat(100_000).getBytes(StandardCharsets.UTF_8),
				("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"expiresAt\":\""
						+ "9".repeat(5000) + "\"}")
					.getBytes(StandardCharsets.UTF_8),
				"{\"version\":99999999999999999999,\"accessToken\":\"SECRET\"}".getBytes(StandardCharsets.UTF_8),
				"{\"version\":1.0,\"accessToken\":\"SECRET\"}".getBytes(StandardCharsets.UTF_8),
				"{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"scopes\":[null]}"
					.getBytes(StandardCharsets.UTF_8),
				("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"x\":" + "[".repeat(2000)
						+ "]".repeat(2000) + "}")
					.getBytes(StandardCharsets.UTF_8));
		for (byte[] content : hostile) {
			Files.write(file, content);
			assertThat(this.store.load("key")).isNull();
		}
		assertThat(output).contains("Ignoring the credentials file").doesNotContain(TestCredentials.SECRET_MARK);
	}

	@Test
	void corruptFileIsReportedOnceAndReadsAsNothing(CapturedOutput output) throws Exception {
		this.store.save("key", TestCredentials.first());
		Path file = this.store.getFile("key");
		Files.writeString(file, "{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET-trunc");
		assertThat(this.store.load("key")).isNull();
		assertThat(this.store.load("key")).isNull();
		assertThat(output).containsOnlyOnce("Ignoring the credentials file " + file
				+ ": it is not valid JSON (truncated or damaged). Sign in again to replace it.");
		assertThat(output).doesNotContain(TestCredentials.SECRET_MARK);
		this.store.save("key", TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.second());
	}

	@Test
	void emptyOrOversizedFileReadsAsNothing(CapturedOutput output) throws Exception {
		this.store.save("key", TestCredentials.first());
		Path file = this.store.getFile("key");
		Files.write(file, new byte[0]);
		assertThat(this.store.load("key")).isNull();
		Files.write(file, new byte[CredentialsCodec.MAX_SIZE * 4]);
		assertThat(this.store.load("key")).isNull();
		assertThat(output).contains(file + ": it is empty").contains(file + ": it is larger than 64 KiB");
	}

	@Test
	void fileOfALaterReleaseReadsAsNothing(CapturedOutput output) throws Exception {
		Files.createDirectories(this.directory);
		Files.writeString(this.store.getFile("key"), "{\"version\":2,\"secrets\":{}}");
		assertThat(this.store.load("key")).isNull();
		assertThat(output).contains("its format version 2 is not supported");
	}

	@Test
	void failedSaveKeepsTheCredentialsStoredBefore() throws Exception {
		this.store.save("key", TestCredentials.first());
		Path file = this.store.getFile("key");
		// the lock file cannot be opened when a directory has its name
		Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
		Files.delete(lockFile);
		Files.createDirectory(lockFile);
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> this.store.save("key", TestCredentials.second()))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CREDENTIAL_STORE))
			.withMessageContaining("Could not save the credentials file " + file)
			.withMessageContaining("The credentials stored before are kept")
			.withMessageNotContaining(TestCredentials.SECRET_MARK);
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void temporaryFilesLeftByAKilledWriterAreDeletedAtTheNextSave() throws Exception {
		this.store.save("key", TestCredentials.first());
		String name = this.store.getFile("key").getFileName().toString();
		Path stale = Files.writeString(this.directory.resolve(name + ".123456789.tmp"), "{\"half");
		Path unrelated = Files.writeString(this.directory.resolve(name + ".other.tmp"), "x");
		this.store.save("key", TestCredentials.second());
		assertThat(stale).doesNotExist();
		assertThat(unrelated).exists();
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder(name,
					name + ".lock", name + ".other.tmp");
		}
	}

	@Test
	void concurrentWritersNeverCorruptTheFile(CapturedOutput output) throws Exception {
		List<Credentials> sets = List.of(TestCredentials.first(), TestCredentials.second(),
				TestCredentials.withIdToken(4000, 'a'));
		ExecutorService executor = Executors.newFixedThreadPool(8);
		AtomicBoolean writing = new AtomicBoolean(true);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int thread = 0; thread < 6; thread++) {
				int offset = thread;
				// each writer uses its own store, as several programs would
				FileCredentialStore store = new FileCredentialStore(this.directory);
				writers.add(executor.submit(() -> {
					for (int i = 0; i < 40; i++) {
						store.save("shared", sets.get((i + offset) % sets.size()));
						store.save("own-" + offset, sets.get(i % sets.size()));
					}
					return null;
				}));
			}
			List<Future<Integer>> readers = new ArrayList<>();
			for (int thread = 0; thread < 2; thread++) {
				FileCredentialStore store = new FileCredentialStore(this.directory);
				readers.add(executor.submit(() -> {
					int reads = 0;
					while (writing.get()) {
						Credentials credentials = store.load("shared");
						if (credentials != null) {
							assertThat(credentials).isIn(sets);
							reads++;
						}
					}
					return reads;
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
			writing.set(false);
			for (Future<Integer> reader : readers) {
				reader.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			writing.set(false);
			executor.shutdownNow();
		}
		assertThat(this.store.load("shared")).isIn(sets);
		for (int thread = 0; thread < 6; thread++) {
			assertThat(this.store.load("own-" + thread)).isEqualTo(sets.get(39 % sets.size()));
		}
		assertThat(output).doesNotContain("Ignoring the credentials file");
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files.map((path) -> path.getFileName().toString())).noneMatch((name) -> name.endsWith(".tmp"));
		}
	}

	@Test
	void fileHoldsTheVersionedJsonForm() throws Exception {
		this.store.save("key", TestCredentials.second());
		assertThat(Files.readString(this.store.getFile("key"), StandardCharsets.UTF_8))
			.isEqualTo(CredentialsCodec.encode(TestCredentials.second()))
			.startsWith("{\"version\":1,");
	}

	@Test
	void defaultDirectoryFollowsXdgConfigHome() {
		assertThat(
				FileCredentialStore.defaultDirectory("app", Map.of("XDG_CONFIG_HOME", "/xdg")::get, "/home/u", false))
			.isEqualTo(Path.of("/xdg", "app"));
	}

	@Test
	void defaultDirectoryIgnoresARelativeXdgConfigHome() {
		assertThat(FileCredentialStore.defaultDirectory("app", Map.of("XDG_CONFIG_HOME", "xdg")::get, "/home/u", false))
			.isEqualTo(Path.of("/home/u", ".config", "app"));
	}

	@Test
	void defaultDirectoryIsUnderDotConfig() {
		assertThat(FileCredentialStore.defaultDirectory("app", Map.<String, String>of()::get, "/home/u", false))
			.isEqualTo(Path.of("/home/u", ".config", "app"));
	}

	@Test
	void defaultDirectoryOnWindowsIsUnderAppData() {
		assertThat(FileCredentialStore.defaultDirectory("app", Map.of("APPDATA", "/appdata")::get, "/home/u", true))
			.isEqualTo(Path.of("/appdata", "app"));
	}

	@Test
	void applicationNameMustBeOneFileName() {
		for (String name : List.of("..", "a/b", "a\\b", " a", "")) {
			assertThatIllegalArgumentException().isThrownBy(
					() -> FileCredentialStore.defaultDirectory(name, Map.<String, String>of()::get, "/h", false));
		}
	}

	@Test
	void toStringNamesTheDirectory() {
		assertThat(this.store).hasToString("FileCredentialStore[" + this.directory + "]");
	}

}
