package io.github.pkce.store;

import io.github.pkce.internal.Hashes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.pkce.Credentials;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link CredentialStore} in owner-only files, for machines without a usable keyring.
 * The credentials of each key are in their own file of a per-user directory (by default
 * {@link #defaultDirectory(String)}), named {@code credentials-<key>.json} when the key
 * is made of lower-case letters, digits, {@code .}, {@code _} and {@code -} (as the keys
 * of {@link CredentialKeys} are), otherwise
 * {@code credentials-<readable part>+<hash>.json}. One file per key keeps configurations
 * apart: a damaged file loses one configuration only, a save never rewrites another
 * configuration's secrets, and each key has its own lock.
 * <p>
 * On POSIX systems the directory is created {@code rwx------} and the files
 * {@code rw-------} from the start (the temporary file is created with these permissions,
 * so there is no moment when it is readable by others); an existing file readable by
 * other users is reported and, when this user owns it, made owner-only. On Windows the
 * files inherit the ACL of the user's profile directory.
 * <p>
 * The store refuses, with a {@link PkceException} that names the path and what to do, to
 * read or write a credentials file or lock file that is a symbolic link, to use a
 * directory that is a symbolic link, and (on POSIX systems) to use a directory that other
 * users can write: whoever can write there can replace the credentials or point them
 * elsewhere. Symbolic links higher up the directory's path (such as macOS' {@code /var})
 * are followed as usual.
 * <p>
 * A save writes a temporary file in the same directory, forces it to disk and renames it
 * over the old file in one atomic step, holding a lock on a side file
 * ({@code credentials-<key>.json.lock}) so that writers in several threads and processes
 * take turns. Readers need no lock: they see the old file or the new one, never a mix. A
 * save that fails, or a process killed while saving, leaves the old file as it was. A
 * file that is damaged, truncated, larger than 64 KiB or written by a later release is
 * reported once and read as "no credentials".
 * <p>
 * Thread-safe.
 *
 * @author pkce-spring-boot
 * @see KeyringCredentialStore
 */
public final class FileCredentialStore implements CredentialStore {

	private static final Log logger = LogFactory.getLog(FileCredentialStore.class);

	private static final Pattern PLAIN_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = EnumSet.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE);

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

	private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
			PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

	private static final long LOCK_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

	// One lock per lock file in this JVM: FileChannel locks are held by the process
	private static final Map<Path, ReentrantLock> threadLocks = new ConcurrentHashMap<>();

	private final Path directory;

	private final boolean posix;

	private static final String CONTENT = "content of ";

	private static final String PERMISSIONS = "permissions of ";

	// What was last warned about each file, so that a problem is reported once
	private final Map<String, String> warnings = new ConcurrentHashMap<>();

	/**
	 * Creates a store in a directory, created when first needed.
	 * @param directory the directory of the credential files
	 */
	public FileCredentialStore(Path directory) {
		Assert.notNull(directory, "directory cannot be null");
		this.directory = directory.toAbsolutePath().normalize();
		this.posix = this.directory.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

	/**
	 * Returns the default directory of an application's credentials:
	 * {@code $XDG_CONFIG_HOME/<applicationName>} when {@code XDG_CONFIG_HOME} is an
	 * absolute path, {@code %APPDATA%\<applicationName>} on Windows, otherwise
	 * {@code ~/.config/<applicationName>}.
	 * @param applicationName the application's name, one path segment
	 * @return the directory
	 */
	public static Path defaultDirectory(String applicationName) {
		return defaultDirectory(applicationName, System::getenv, System.getProperty("user.home", ""),
				System.getProperty("os.name", "").startsWith("Windows"));
	}

	static Path defaultDirectory(String applicationName, Function<String, @Nullable String> environment,
			String userHome, boolean windows) {
		checkApplicationName(applicationName);
		String xdg = environment.apply("XDG_CONFIG_HOME");
		if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
			return Path.of(xdg, applicationName);
		}
		String appData = environment.apply("APPDATA");
		if (windows && appData != null && !appData.isBlank()) {
			return Path.of(appData, applicationName);
		}
		return Path.of(userHome, ".config", applicationName);
	}

	static void checkApplicationName(String applicationName) {
		Assert.hasText(applicationName, "applicationName cannot be empty");
		Assert.isTrue(isPathSegment(applicationName),
				() -> "applicationName must be a single file name, not '" + applicationName + "'");
	}

	private static boolean isPathSegment(String name) {
		return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
				&& name.indexOf(':') < 0 && name.indexOf('\0') < 0 && name.strip().equals(name);
	}

	/**
	 * Returns the directory of the credential files.
	 * @return the absolute directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Returns the file that holds the credentials of a key.
	 * @param key the key
	 * @return the file, which may not exist
	 */
	public Path getFile(String key) {
		Assert.notNull(key, "key cannot be null");
		return this.directory.resolve(fileName(key));
	}

	static String fileName(String key) {
		if (PLAIN_KEY.matcher(key).matches()) {
			return "credentials-" + key + ".json";
		}
		String readable = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_");
		readable = readable.substring(0, Math.min(readable.length(), 60));
		// '+' never appears in a plain key, so the two forms cannot meet
		return "credentials-" + readable + "+" + Hashes.sha256Hex(key).substring(0, 16) + ".json";
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the file exists but cannot be read
	 */
	@Override
	public @Nullable Credentials load(String key) {
		Path file = getFile(key);
		if (Files.isSymbolicLink(file)) {
			throw symbolicLink("read", file);
		}
		byte[] bytes;
		// No following a link planted since the check.
		try (InputStream input = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
			checkDirectory("read");
			checkPermissions(file);
			bytes = input.readNBytes(CredentialsCodec.MAX_SIZE + 1);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
					"Could not read the credentials file " + file + ": " + describe(ex) + ".", ex);
		}
		try {
			Credentials credentials = CredentialsCodec.decode(bytes);
			this.warnings.remove(CONTENT + file);
			return credentials;
		}
		catch (UnreadableCredentialsException ex) {
			warnOnce(CONTENT + file, fingerprint(file, bytes.length), "Ignoring the credentials file " + file + ": "
					+ ex.getMessage() + ". Sign in again to replace it.");
			return null;
		}
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the file cannot be written; the file is then as before
	 */
	@Override
	public void save(String key, Credentials credentials) {
		Assert.notNull(credentials, "credentials cannot be null");
		Path file = getFile(key);
		byte[] bytes = CredentialsCodec.encode(credentials).getBytes(StandardCharsets.UTF_8);
		withLock(file, "save", () -> {
			// The rename below would replace a link rather than write through it;
			// refusing
			// tells the user that something is off.
			if (Files.isSymbolicLink(file)) {
				throw symbolicLink("save", file);
			}
			deleteStaleTemporaryFiles(file);
			Path temporary = createTemporaryFile(file);
			try {
				try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
					ByteBuffer buffer = ByteBuffer.wrap(bytes);
					while (buffer.hasRemaining()) {
						channel.write(buffer);
					}
					channel.force(true);
				}
				replace(temporary, file);
				syncDirectory();
			}
			finally {
				Files.deleteIfExists(temporary);
			}
			this.warnings.remove(CONTENT + file);
		});
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the file cannot be deleted
	 */
	@Override
	public void delete(String key) {
		Path file = getFile(key);
		if (!Files.exists(file)) {
			// a save racing with this delete wins, as if it came after
			return;
		}
		withLock(file, "delete", () -> {
			Files.deleteIfExists(file);
			this.warnings.remove(CONTENT + file);
		});
	}

	private void withLock(Path file, String action, IoAction work) {
		Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
		ReentrantLock threadLock = threadLocks.computeIfAbsent(lockFile, (path) -> new ReentrantLock());
		try {
			if (!threadLock.tryLock(LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
				throw lockTimeout(action, file, lockFile);
			}
			try {
				createDirectory();
				checkDirectory(action);
				if (Files.isSymbolicLink(lockFile)) {
					throw symbolicLink(action, lockFile);
				}
				try (FileChannel channel = openLockFile(lockFile); FileLock lock = acquire(channel)) {
					if (lock == null) {
						throw lockTimeout(action, file, lockFile);
					}
					work.run();
				}
			}
			finally {
				threadLock.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
					"Interrupted while waiting to " + action + " the credentials file " + file + ".", ex);
		}
		catch (IOException ex) {
			String kept = action.equals("save") ? " The credentials stored before are kept." : "";
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
					"Could not " + action + " the credentials file " + file + ": " + describe(ex) + "." + kept, ex);
		}
	}

	private static @Nullable FileLock acquire(FileChannel channel) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_TIMEOUT_MILLIS);
		while (true) {
			FileLock lock = channel.tryLock();
			if (lock != null || System.nanoTime() - deadline > 0) {
				return lock;
			}
			Thread.sleep(10);
		}
	}

	private PkceException lockTimeout(String action, Path file, Path lockFile) {
		return new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
				"Could not " + action + " the credentials file " + file + ": another program has held its lock "
						+ lockFile + " for more than " + (LOCK_TIMEOUT_MILLIS / 1000) + " s.");
	}

	private void createDirectory() throws IOException {
		if (Files.isDirectory(this.directory)) {
			return;
		}
		if (this.posix) {
			Files.createDirectories(this.directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
		}
		else {
			Files.createDirectories(this.directory);
		}
	}

	private FileChannel openLockFile(Path lockFile) throws IOException {
		Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				LinkOption.NOFOLLOW_LINKS);
		return this.posix ? FileChannel.open(lockFile, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
				: FileChannel.open(lockFile, options);
	}

	/**
	 * Refuses a directory that is a symbolic link, is not a directory, or that other
	 * users can write: they could swap the credentials file for their own or for a link.
	 */
	private void checkDirectory(String action) throws IOException {
		if (Files.isSymbolicLink(this.directory)) {
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
					"Refusing to " + action + " credentials in " + this.directory
							+ ": it is a symbolic link, which could lead the credentials to a place others control."
							+ " Replace it with a directory of your own (mkdir -m 700), or choose another directory.");
		}
		if (!this.posix) {
			return;
		}
		PosixFileAttributes attributes = Files.readAttributes(this.directory, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		if (!attributes.isDirectory()) {
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE, "Refusing to " + action + " credentials in "
					+ this.directory + ": it is not a directory. Remove it, or choose another directory.");
		}
		Set<PosixFilePermission> permissions = attributes.permissions();
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
					"Refusing to " + action + " credentials in " + this.directory + ": other users can write to it ("
							+ PosixFilePermissions.toString(permissions)
							+ ") and could replace the credentials. Run chmod 700 " + this.directory
							+ ", or choose another directory.");
		}
	}

	private static PkceException symbolicLink(String action, Path file) {
		return new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
				"Refusing to " + action + " the credentials file " + file + " through a symbolic link, which could"
						+ " lead the credentials to a place others control. Remove the link (rm " + file
						+ ") and sign in again.");
	}

	private Path createTemporaryFile(Path file) throws IOException {
		String prefix = file.getFileName() + ".";
		return this.posix
				? Files.createTempFile(this.directory, prefix, ".tmp",
						PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
				: Files.createTempFile(this.directory, prefix, ".tmp");
	}

	private static void replace(Path temporary, Path file) throws IOException {
		// Windows refuses to replace a file that a reader has open: give readers a moment
		for (int attempt = 1;; attempt++) {
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				return;
			}
			catch (AccessDeniedException | FileAlreadyExistsException ex) {
				if (attempt == 10) {
					throw ex;
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	// Called with the lock held: a temporary file of this key is then left by a
	// writer that died before renaming it
	private void deleteStaleTemporaryFiles(Path file) throws IOException {
		Pattern stale = Pattern.compile(Pattern.quote(file.getFileName() + ".") + "[0-9]+\\.tmp");
		try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(this.directory,
				(path) -> stale.matcher(path.getFileName().toString()).matches())) {
			for (Path temporary : temporaries) {
				Files.deleteIfExists(temporary);
			}
		}
	}

	private void checkPermissions(Path file) throws IOException {
		if (!this.posix) {
			return;
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
		if (permissions.stream().noneMatch(SHARED::contains)) {
			return;
		}
		String current = PosixFilePermissions.toString(permissions);
		if (isOwnedByThisUser(file)) {
			try {
				Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
				logger.warn("The credentials file " + file + " was accessible to other users (" + current
						+ "); it is now owner-only (rw-------).");
				return;
			}
			catch (IOException ex) {
				logger.debug("Could not change the permissions of " + file, ex);
			}
		}
		warnOnce(PERMISSIONS + file, current, "The credentials file " + file + " is accessible to other users ("
				+ current + ") and could not be made owner-only: run chmod 600 " + file + ".");
	}

	private static boolean isOwnedByThisUser(Path file) {
		try {
			UserPrincipal owner = Files.getOwner(file);
			UserPrincipal user = file.getFileSystem()
				.getUserPrincipalLookupService()
				.lookupPrincipalByName(System.getProperty("user.name", ""));
			return owner.equals(user);
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	private void warnOnce(String subject, String fingerprint, String message) {
		if (!fingerprint.equals(this.warnings.put(subject, fingerprint))) {
			logger.warn(message);
		}
	}

	private static String fingerprint(Path file, int size) {
		try {
			FileTime modified = Files.getLastModifiedTime(file);
			return size + "@" + modified.toMillis();
		}
		catch (IOException ex) {
			return String.valueOf(size);
		}
	}

	// Makes the rename durable across a power loss; best effort
	private void syncDirectory() {
		if (!this.posix) {
			return;
		}
		try (FileChannel channel = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			logger.trace("Could not sync " + this.directory, ex);
		}
	}

	private static String describe(IOException ex) {
		String message = ex.getMessage();
		String name = ex.getClass().getSimpleName();
		return (message != null) ? name + ": " + message : name;
	}

	@Override
	public String toString() {
		return "FileCredentialStore[" + this.directory + "]";
	}

	@FunctionalInterface
	private interface IoAction {

		void run() throws IOException;

	}

}
