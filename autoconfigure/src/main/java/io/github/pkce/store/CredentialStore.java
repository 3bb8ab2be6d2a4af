package io.github.pkce.store;

import io.github.pkce.Credentials;
import org.jspecify.annotations.Nullable;

/**
 * Keeps credentials between runs, by key. A key names one configuration (issuer, client
 * id and target), so two configurations never share tokens. Implementations must be
 * thread-safe and must never leave a half-written entry behind: a failed save keeps what
 * was stored before.
 *
 * @author pkce-spring-boot
 */
public interface CredentialStore {

	/**
	 * Loads the credentials stored under a key.
	 * @param key the key
	 * @return the credentials, or {@code null} when none are stored
	 */
	@Nullable Credentials load(String key);

	/**
	 * Loads the credentials stored under a key past any cache, as another process may
	 * have replaced them: a store that caches reads them again from where they are kept.
	 * @param key the key
	 * @return the credentials, or {@code null} when none are stored
	 */
	default @Nullable Credentials reload(String key) {
		return load(key);
	}

	/**
	 * Stores credentials under a key, replacing what was there.
	 * @param key the key
	 * @param credentials the credentials
	 */
	void save(String key, Credentials credentials);

	/**
	 * Deletes the credentials stored under a key; nothing happens when there are none.
	 * @param key the key
	 */
	void delete(String key);

}
