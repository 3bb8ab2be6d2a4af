package io.github.pkce;

import io.github.pkce.internal.Hashes;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A lock shared by every process of the user on one credential key, so two copies of a
 * program never refresh (and burn a rotating refresh token) or sign in at the same time.
 * It is an operating-system file lock on a file in the user's own cache directory: the
 * system releases it when a process dies, so a killed process never leaves a stale lock
 * behind.
 *
 * @author pkce-spring-boot
 */
final class ProcessLock {

	private static final Duration POLL = Duration.ofMillis(25);

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	/**
	 * One lock per lock file for the threads of this JVM, taken before the file is
	 * opened. On POSIX systems closing any channel to a file releases every lock the
	 * process holds on it, so a thread that gave up waiting would otherwise free the file
	 * lock of the thread that holds it. Not reentrant, so that even the holding thread
	 * never opens a second channel.
	 */
	private static final ConcurrentMap<Path, Semaphore> JVM_LOCKS = new ConcurrentHashMap<>();

	private final Path file;

	private final Semaphore jvmLock;

	ProcessLock(Path directory, String key) {
		this.file = directory.resolve(Hashes.sha256Hex(key).substring(0, 32) + ".lock");
		this.jvmLock = JVM_LOCKS.computeIfAbsent(this.file.toAbsolutePath().normalize(), (path) -> new Semaphore(1));
	}

	static Path defaultDirectory(Map<String, String> environment, String userHome) {
		String cache = environment.get("XDG_CACHE_HOME");
		Path base = (cache != null && !cache.isBlank()) ? Path.of(cache) : Path.of(userHome, ".cache");
		return base.resolve("pkce-spring-boot").resolve("locks");
	}

	Path getFile() {
		return this.file;
	}

	/**
	 * Takes the lock, waiting at most {@code timeout}.
	 * @param timeout how long to wait for another process
	 * @return the held lock, to close
	 * @throws PkceException when the lock cannot be had in time, or the waiting thread is
	 * interrupted
	 */
	Held acquire(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			if (!this.jvmLock.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw timedOut(timeout);
			}
		}
		catch (InterruptedException ex) {
			throw interrupted();
		}
		FileChannel channel;
		try {
			channel = open();
		}
		catch (RuntimeException ex) {
			this.jvmLock.release();
			throw ex;
		}
		try {
			while (true) {
				FileLock lock = tryLock(channel);
				if (lock != null) {
					return new Held(channel, lock, this.jvmLock);
				}
				if (System.nanoTime() - deadline > 0) {
					throw timedOut(timeout);
				}
				Thread.sleep(POLL.toMillis());
			}
		}
		catch (InterruptedException ex) {
			closeQuietly(channel);
			this.jvmLock.release();
			throw interrupted();
		}
		catch (RuntimeException ex) {
			closeQuietly(channel);
			this.jvmLock.release();
			throw ex;
		}
	}

	private PkceException timedOut(Duration timeout) {
		return new PkceException(PkceErrorCodes.LOGIN_TIMEOUT,
				"Another process of this program has been signing in or refreshing the same account for more than "
						+ timeout.toSeconds() + " seconds (lock file " + this.file
						+ "). Finish or close it, then try again.");
	}

	private static PkceException interrupted() {
		Thread.currentThread().interrupt();
		return new PkceException(PkceErrorCodes.LOGIN_CANCELLED,
				"Interrupted while waiting for another process to finish signing in.");
	}

	private FileChannel open() {
		try {
			if (!POSIX) {
				Files.createDirectories(this.file.getParent());
				return FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			}
			// the names of the user's accounts are nobody else's business: owner-only
			// from creation
			Files.createDirectories(this.file.getParent(),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			return FileChannel.open(this.file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (IOException ex) {
			throw new PkceException(PkceErrorCodes.LOCK_UNAVAILABLE, "Cannot create the lock file " + this.file + " ("
					+ ex.getMessage() + "). Check that the directory is writable, or set another lock directory.", ex);
		}
	}

	private static @Nullable FileLock tryLock(FileChannel channel) {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			// a channel to the file opened elsewhere in this JVM holds it
			return null;
		}
		catch (IOException ex) {
			throw new PkceException(PkceErrorCodes.LOCK_UNAVAILABLE, "Cannot lock the file: " + ex.getMessage(), ex);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	/**
	 * A held lock; closing it releases the lock.
	 */
	static final class Held implements AutoCloseable {

		private final FileChannel channel;

		private final FileLock lock;

		private final Semaphore jvmLock;

		Held(FileChannel channel, FileLock lock, Semaphore jvmLock) {
			this.channel = channel;
			this.lock = lock;
			this.jvmLock = jvmLock;
		}

		private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

		@Override
		public void close() {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			try {
				this.lock.release();
			}
			catch (IOException ex) {
				// closing the channel releases it too
			}
			closeQuietly(this.channel);
			this.jvmLock.release();
		}

	}

}
