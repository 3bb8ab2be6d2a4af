package io.github.pkce.store;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.pkce.Credentials;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * A {@link CredentialStore} in the operating system's keyring through
 * <a href="https://github.com/javakeyring/java-keyring">java-keyring</a> (an optional
 * dependency that must be on the class path): macOS Keychain, Windows Credential Manager,
 * or the freedesktop Secret Service on Linux (GNOME Keyring, KWallet, KeePassXC). Each
 * key is an entry whose service is the configured service name and whose account is the
 * key, holding the credentials as versioned JSON. Windows Credential Manager holds at
 * most 2,560 bytes per credential (1,280 characters, as java-keyring writes UTF-16) and
 * ID tokens are often larger: a value longer than 1,000 characters is split across
 * entries {@code <key>#<slot>.<index>} and the entry of the key holds a header naming
 * them. A save writes the new parts under the slot not in use, then switches the header,
 * then deletes the old parts, so a save interrupted at any point leaves the old or the
 * new credentials readable, never a mix.
 * <p>
 * The keyring is opened at the first operation, not in the constructor (opening costs a
 * few hundred milliseconds), and once per instance. Every operation runs on a daemon
 * thread and is bounded by a timeout (3 seconds by default): a keyring that is missing,
 * locked or does not answer in time makes the operation fail with a {@link PkceException}
 * ({@link PkceErrorCodes#CREDENTIAL_STORE}), and the keyring is from then on taken as
 * unusable by this instance: later operations fail at once, without touching the keyring
 * again (a locked GNOME keyring blocks the next open for 120 seconds). A stored value
 * that cannot be read (damaged, from a later release) is logged once and read as "no
 * credentials".
 * <p>
 * Call {@link #close()} when done: java-keyring's D-Bus connection keeps non-daemon
 * threads alive on Linux. Thread-safe; operations run one at a time.
 *
 * @author pkce-spring-boot
 * @see FileCredentialStore
 */
public final class KeyringCredentialStore implements CredentialStore, AutoCloseable {

	/** The default service name. */
	public static final String DEFAULT_SERVICE_NAME = "pkce-spring-boot";

	/** The default bound of every keyring operation. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

	static final String KEYRING_CLASS = "com.github.javakeyring.Keyring";

	static final String PROBE_ACCOUNT = "#probe";

	private static final Log logger = LogFactory.getLog(KeyringCredentialStore.class);

	private final String serviceName;

	private final Duration timeout;

	private final KeyringAccess.Opener opener;

	private final ThreadPoolExecutor executor;

	private final Object lock = new Object();

	private final Set<String> warnedKeys = ConcurrentHashMap.newKeySet();

	// Read and written only by operations, which run one at a time
	private volatile @Nullable KeyringAccess keyring;

	private volatile @Nullable String unusableReason;

	private volatile boolean closed;

	// Whether an operation is still blocked in the keyring after its timeout
	private volatile boolean stuck;

	/**
	 * Creates a store with the default service name and timeout.
	 * @throws IllegalStateException when java-keyring is not on the class path
	 */
	public KeyringCredentialStore() {
		this(DEFAULT_SERVICE_NAME, DEFAULT_TIMEOUT);
	}

	/**
	 * Creates a store.
	 * @param serviceName the service name of the entries, usually the application's name
	 * @param timeout the bound of every keyring operation, positive
	 * @throws IllegalStateException when java-keyring is not on the class path
	 */
	public KeyringCredentialStore(String serviceName, Duration timeout) {
		this(serviceName, timeout, KeyringCredentialStore::openJavaKeyring);
		if (!isJavaKeyringPresent()) {
			throw new IllegalStateException("The keyring credential store needs java-keyring on the class path "
					+ "(com.github.javakeyring:java-keyring): add it, or choose the file credential store.");
		}
	}

	KeyringCredentialStore(String serviceName, Duration timeout, KeyringAccess.Opener opener) {
		Assert.hasText(serviceName, "serviceName cannot be empty");
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		Assert.notNull(opener, "opener cannot be null");
		this.serviceName = serviceName;
		this.timeout = timeout;
		this.opener = opener;
		this.executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
			Thread thread = new Thread(task, "pkce-keyring");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Whether java-keyring is on the class path.
	 * @return whether a {@link KeyringCredentialStore} can be created
	 */
	static boolean isJavaKeyringPresent() {
		return isJavaKeyringPresent(KeyringCredentialStore.class.getClassLoader());
	}

	static boolean isJavaKeyringPresent(@Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(KEYRING_CLASS, classLoader);
	}

	private static KeyringAccess openJavaKeyring() throws Exception {
		return JavaKeyringAccess.open();
	}

	/**
	 * Returns the service name of the entries.
	 * @return the service name
	 */
	public String getServiceName() {
		return this.serviceName;
	}

	/**
	 * Returns the bound of every keyring operation.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Checks, within the timeout, that the keyring can be opened and written: writes,
	 * reads back and deletes a probe entry (a locked keyring can look empty to reads).
	 * Opens the keyring if needed. Once this returns {@code false}, the store is
	 * unusable.
	 * @return whether the keyring works
	 */
	public boolean isUsable() {
		try {
			run("check", (entries, access) -> {
				// an entry of its own: two processes probing at once must not delete each
				// other's probe and take the keyring for broken
				String account = PROBE_ACCOUNT + "-" + java.util.UUID.randomUUID();
				String value = "probe";
				access.set(this.serviceName, account, value);
				if (!value.equals(access.get(this.serviceName, account))) {
					throw new IllegalStateException("an entry written could not be read back");
				}
				access.delete(this.serviceName, account);
				return Boolean.TRUE;
			});
			return true;
		}
		catch (PkceException ex) {
			return false;
		}
	}

	/**
	 * Why the keyring is unusable, once an operation has failed.
	 * @return the reason, or {@code null} while the keyring works
	 */
	@Nullable String getUnusableReason() {
		return this.unusableReason;
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the keyring is unusable
	 */
	@Override
	public @Nullable Credentials load(String key) {
		Assert.notNull(key, "key cannot be null");
		String value = run("read", (entries, access) -> {
			try {
				return entries.read(key);
			}
			catch (UnreadableCredentialsException ex) {
				warnUnreadable(key, ex);
				return null;
			}
		});
		if (value == null) {
			return null;
		}
		try {
			Credentials credentials = CredentialsCodec.decode(value);
			this.warnedKeys.remove(key);
			return credentials;
		}
		catch (UnreadableCredentialsException ex) {
			warnUnreadable(key, ex);
			return null;
		}
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the keyring is unusable; what was stored before is then
	 * still there
	 */
	@Override
	public void save(String key, Credentials credentials) {
		Assert.notNull(key, "key cannot be null");
		Assert.notNull(credentials, "credentials cannot be null");
		String value = CredentialsCodec.encode(credentials);
		run("write", (entries, access) -> {
			entries.write(key, value);
			return Boolean.TRUE;
		});
		this.warnedKeys.remove(key);
	}

	/**
	 * {@inheritDoc}
	 * @throws PkceException when the keyring is unusable
	 */
	@Override
	public void delete(String key) {
		Assert.notNull(key, "key cannot be null");
		run("delete", (entries, access) -> {
			entries.delete(key);
			return Boolean.TRUE;
		});
	}

	/**
	 * Closes the keyring connection, within the timeout. Later operations fail.
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			KeyringAccess access = this.keyring;
			if (access != null && !this.stuck) {
				Future<?> future = this.executor.submit(() -> {
					access.close();
					return null;
				});
				try {
					future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (ExecutionException | TimeoutException ex) {
					logger.debug("Could not close the system keyring", ex);
				}
			}
			this.keyring = null;
			this.executor.shutdown();
		}
	}

	private <T> @Nullable T run(String action, Operation<T> operation) {
		synchronized (this.lock) {
			if (this.closed) {
				throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE, "The keyring credential store is closed.");
			}
			String reason = this.unusableReason;
			if (reason != null) {
				throw unusable(action, reason, null);
			}
			Future<@Nullable T> future = this.executor.submit(() -> {
				KeyringAccess access = this.keyring;
				if (access == null) {
					access = this.opener.open();
					this.keyring = access;
				}
				return operation.run(new KeyringEntries(access, this.serviceName), access);
			});
			try {
				return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				this.stuck = true;
				future.cancel(true);
				throw markUnusable(action, "it did not answer within " + format(this.timeout)
						+ " (it may be locked, waiting for its password)", null);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				throw markUnusable(action, describe(cause), cause);
			}
			catch (CancellationException ex) {
				throw markUnusable(action, "the operation was cancelled", ex);
			}
			catch (InterruptedException ex) {
				future.cancel(true);
				Thread.currentThread().interrupt();
				throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE,
						"Interrupted while waiting for the system keyring.", ex);
			}
		}
	}

	private PkceException markUnusable(String action, String reason, @Nullable Throwable cause) {
		this.unusableReason = reason;
		logger.debug("The system keyring failed; it will not be used again by this store", cause);
		return unusable(action, reason, cause);
	}

	private PkceException unusable(String action, String reason, @Nullable Throwable cause) {
		return new PkceException(
				PkceErrorCodes.CREDENTIAL_STORE, "Could not " + action + " credentials in the system keyring: " + reason
						+ ". Unlock or repair the " + "keyring and try again, or choose the file credential store.",
				cause);
	}

	private void warnUnreadable(String key, UnreadableCredentialsException ex) {
		if (this.warnedKeys.add(key)) {
			logger.warn("Ignoring the credentials stored in the system keyring (service '" + this.serviceName
					+ "', account '" + key + "'): " + ex.getMessage() + ". Sign in again to replace them.");
		}
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		String name = failure.getClass().getSimpleName();
		String text = (message != null) ? name + ": " + message : name;
		if (failure instanceof NullPointerException) {
			// what java-keyring reports for a locked GNOME keyring
			return "it refused the operation, it may be locked (" + text + ")";
		}
		Throwable cause = failure.getCause();
		return (cause != null && cause != failure && cause.getMessage() != null)
				? text + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")" : text;
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	@Override
	public String toString() {
		return "KeyringCredentialStore[service=" + this.serviceName + ", timeout=" + format(this.timeout)
				+ ((this.unusableReason != null) ? ", unusable" : "") + "]";
	}

	@FunctionalInterface
	private interface Operation<T> {

		@Nullable T run(KeyringEntries entries, KeyringAccess access) throws Exception;

	}

}
