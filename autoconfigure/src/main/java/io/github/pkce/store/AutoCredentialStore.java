package io.github.pkce.store;

import io.github.pkce.Credentials;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link StoreType#AUTO} choice: at the first operation (not before: checking the
 * keyring costs a few hundred milliseconds), the keyring when it is present and works,
 * otherwise the files with one warning naming the file and how to choose explicitly. The
 * choice holds for the life of the store. Thread-safe.
 *
 * @author pkce-spring-boot
 */
final class AutoCredentialStore implements CredentialStore, AutoCloseable {

	static final String NO_JAVA_KEYRING = "java-keyring is not on the class path";

	private static final Log logger = LogFactory.getLog(AutoCredentialStore.class);

	private final @Nullable KeyringCredentialStore keyring;

	private final FileCredentialStore file;

	private final Object lock = new Object();

	private volatile @Nullable CredentialStore chosen;

	/**
	 * Creates a store that chooses at its first use.
	 * @param keyring the keyring store, or {@code null} when java-keyring is absent
	 * @param file the fallback
	 */
	AutoCredentialStore(@Nullable KeyringCredentialStore keyring, FileCredentialStore file) {
		Assert.notNull(file, "file cannot be null");
		this.keyring = keyring;
		this.file = file;
	}

	@Override
	public @Nullable Credentials load(String key) {
		Assert.notNull(key, "key cannot be null");
		return chosen(key).load(key);
	}

	@Override
	public void save(String key, Credentials credentials) {
		Assert.notNull(key, "key cannot be null");
		chosen(key).save(key, credentials);
	}

	@Override
	public void delete(String key) {
		Assert.notNull(key, "key cannot be null");
		chosen(key).delete(key);
	}

	/**
	 * Returns the store chosen, choosing it now if needed.
	 * @param key the key about to be used, to name its file in the warning
	 * @return the keyring store or the file store
	 */
	@Nullable CredentialStore getChosen() {
		return this.chosen;
	}

	CredentialStore chosen(String key) {
		CredentialStore store = this.chosen;
		if (store != null) {
			return store;
		}
		synchronized (this.lock) {
			store = this.chosen;
			if (store == null) {
				store = choose(key);
				this.chosen = store;
			}
			return store;
		}
	}

	private CredentialStore choose(String key) {
		KeyringCredentialStore keyring = this.keyring;
		if (keyring != null && keyring.isUsable()) {
			logger.debug("Credentials are stored in the system keyring, service '" + keyring.getServiceName() + "'");
			return keyring;
		}
		String reason = NO_JAVA_KEYRING;
		if (keyring != null) {
			String unusable = keyring.getUnusableReason();
			reason = (unusable != null) ? unusable : "it does not work";
			keyring.close();
		}
		logger.warn("The system keyring is not available (" + reason + "); credentials are stored in "
				+ this.file.getFile(key) + " (owner-only). Set auth.pkce.store.type=file to silence this warning, "
				+ "or keyring to require the keyring.");
		return this.file;
	}

	@Override
	public void close() {
		if (this.keyring != null) {
			this.keyring.close();
		}
	}

	@Override
	public String toString() {
		CredentialStore store = this.chosen;
		return "AutoCredentialStore[" + ((store != null) ? store : "not chosen yet") + "]";
	}

}
