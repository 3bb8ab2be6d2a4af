package io.github.pkce.autoconfigure;

import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.StoreOptions;
import io.github.pkce.store.StoreType;
import org.jspecify.annotations.Nullable;

/**
 * Creates the {@link CredentialStore} that {@code auth.pkce.store.*} asks for.
 *
 * @author pkce-spring-boot
 */
final class CredentialStores {

	private CredentialStores() {
	}

	/**
	 * Creates the store. The keyring is not opened here: {@code auto} probes it at the
	 * first use, so start-up stays fast and offline.
	 * @param store the store properties, already checked
	 * @param applicationName the application's name, for the default store name
	 * @return the store
	 */
	static CredentialStore create(PkceProperties.Store store, @Nullable String applicationName) {
		String name = (store.getName() != null) ? store.getName()
				: (applicationName != null && !applicationName.isBlank()) ? applicationName
						: StoreOptions.DEFAULT_APPLICATION_NAME;
		StoreOptions.Builder options = StoreOptions.builder()
			.applicationName(name)
			.keyringTimeout(store.getKeyringTimeout());
		if (store.getDirectory() != null) {
			options.directory(store.getDirectory());
		}
		StoreType type = switch (store.getType()) {
			case AUTO -> StoreType.AUTO;
			case KEYRING -> StoreType.KEYRING;
			case FILE -> StoreType.FILE;
			case MEMORY -> StoreType.MEMORY;
		};
		return io.github.pkce.store.CredentialStores.create(type, options.build());
	}

	/**
	 * Whether credentials in this store are shared with other processes, which then
	 * coordinate through a lock file.
	 * @param store the store properties
	 * @return whether the store is persistent
	 */
	static boolean isShared(PkceProperties.Store store) {
		return store.getType() != PkceProperties.StoreType.MEMORY;
	}

}
