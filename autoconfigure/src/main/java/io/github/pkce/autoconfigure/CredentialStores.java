package io.github.pkce.autoconfigure;

import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.StoreOptions;
import io.github.pkce.store.StoreType;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Creates the {@link CredentialStore} that {@code auth.pkce.store.*} asks for.
 *
 * @author pkce-spring-boot
 */
final class CredentialStores {

	private static final String NAME_PROPERTY = PkcePropertiesMapper.PREFIX + ".store.name";

	private CredentialStores() {
	}

	/**
	 * Creates the store. The keyring is not opened here: {@code auto} probes it at the
	 * first use, so start-up stays fast and offline.
	 * @param store the store properties, already checked
	 * @param applicationName the application's name, for the default store name
	 * @return the store
	 * @throws InvalidPkcePropertyException if {@code auth.pkce.store.name} cannot name a
	 * directory
	 */
	static CredentialStore create(PkceProperties.Store store, @Nullable String applicationName) {
		StoreOptions.Builder options = StoreOptions.builder().keyringTimeout(store.getKeyringTimeout());
		name(options, store.getName(), applicationName);
		if (store.getDirectory() != null) {
			options.directory(store.getDirectory());
		}
		return io.github.pkce.store.CredentialStores.create(store.getType(), options.build());
	}

	/**
	 * Sets the name the credentials are kept under: the store name, else the
	 * application's name when it can name a directory, else the default.
	 */
	private static void name(StoreOptions.Builder options, @Nullable String storeName,
			@Nullable String applicationName) {
		if (StringUtils.hasText(storeName)) {
			try {
				options.applicationName(storeName);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPkcePropertyException(NAME_PROPERTY, storeName,
						"it is not a single file name, but it names the keyring service and the file store's "
								+ "directory",
						"Set " + NAME_PROPERTY + " to a name without '/', '\\' or ':' and without spaces around "
								+ "it, such as my-cli, or remove it to use spring.application.name.",
						ex);
			}
		}
		else if (StringUtils.hasText(applicationName)) {
			try {
				options.applicationName(applicationName);
			}
			catch (IllegalArgumentException ex) {
				// spring.application.name is there for other purposes too, so a name
				// that cannot be a directory keeps the default store name
			}
		}
	}

	/**
	 * Whether credentials in this store are shared with other processes, which then
	 * coordinate through a lock file.
	 * @param store the store properties
	 * @return whether the store is persistent
	 */
	static boolean isShared(PkceProperties.Store store) {
		return store.getType() != StoreType.MEMORY;
	}

}
