package io.github.pkce.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.pkce.Credentials;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link CredentialStore} that keeps credentials in memory only: the user signs in
 * again in every run. Thread-safe.
 *
 * @author pkce-spring-boot
 */
public final class InMemoryCredentialStore implements CredentialStore {

	private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();

	@Override
	public @Nullable Credentials load(String key) {
		Assert.notNull(key, "key cannot be null");
		return this.credentials.get(key);
	}

	@Override
	public void save(String key, Credentials credentials) {
		Assert.notNull(key, "key cannot be null");
		Assert.notNull(credentials, "credentials cannot be null");
		this.credentials.put(key, credentials);
	}

	@Override
	public void delete(String key) {
		Assert.notNull(key, "key cannot be null");
		this.credentials.remove(key);
	}

	@Override
	public String toString() {
		return "InMemoryCredentialStore[" + this.credentials.size() + " entries]";
	}

}
