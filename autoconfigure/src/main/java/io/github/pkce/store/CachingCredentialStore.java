package io.github.pkce.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.pkce.Credentials;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link CredentialStore} that reads each key from another store once, then serves it
 * from memory, and writes saves and deletes through. What was read (credentials or their
 * absence) stays in memory until this store saves, deletes or {@link #reload(String)
 * reloads} that key: another process that refreshed the credentials meanwhile is only
 * seen after a reload. A failed save or delete leaves memory as it was.
 * <p>
 * Thread-safe: a cached read takes no lock; reads of the other store, saves, deletes and
 * reloads run one at a time.
 *
 * @author pkce-spring-boot
 */
public final class CachingCredentialStore implements CredentialStore, AutoCloseable {

	private static final Log logger = LogFactory.getLog(CachingCredentialStore.class);

	private final CredentialStore delegate;

	private final Map<String, Optional<Credentials>> cache = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	/**
	 * Creates a store that caches another.
	 * @param delegate the store read and written
	 */
	public CachingCredentialStore(CredentialStore delegate) {
		Assert.notNull(delegate, "delegate cannot be null");
		this.delegate = delegate;
	}

	/**
	 * Returns the store read and written.
	 * @return the other store
	 */
	public CredentialStore getDelegate() {
		return this.delegate;
	}

	@Override
	public @Nullable Credentials load(String key) {
		Assert.notNull(key, "key cannot be null");
		Optional<Credentials> cached = this.cache.get(key);
		if (cached != null) {
			return cached.orElse(null);
		}
		synchronized (this.lock) {
			cached = this.cache.get(key);
			return (cached != null) ? cached.orElse(null) : reload(key);
		}
	}

	/**
	 * Reads a key from the other store again, bypassing memory, and keeps the result.
	 * Used when another process may have changed the credentials, for example after
	 * taking the cross-process lock before a refresh.
	 * @param key the key
	 * @return the credentials, or {@code null} when none are stored
	 */
	@Override
	public @Nullable Credentials reload(String key) {
		Assert.notNull(key, "key cannot be null");
		synchronized (this.lock) {
			Credentials credentials = this.delegate.load(key);
			this.cache.put(key, Optional.ofNullable(credentials));
			return credentials;
		}
	}

	@Override
	public void save(String key, Credentials credentials) {
		Assert.notNull(key, "key cannot be null");
		Assert.notNull(credentials, "credentials cannot be null");
		synchronized (this.lock) {
			this.delegate.save(key, credentials);
			this.cache.put(key, Optional.of(credentials));
		}
	}

	@Override
	public void delete(String key) {
		Assert.notNull(key, "key cannot be null");
		synchronized (this.lock) {
			this.delegate.delete(key);
			this.cache.put(key, Optional.empty());
		}
	}

	/**
	 * Closes the other store when it is {@link AutoCloseable}; failures are logged.
	 */
	@Override
	public void close() {
		if (this.delegate instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close " + this.delegate, ex);
			}
		}
	}

	@Override
	public String toString() {
		return "CachingCredentialStore[" + this.delegate + "]";
	}

}
