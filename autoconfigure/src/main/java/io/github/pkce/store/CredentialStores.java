package io.github.pkce.store;

import org.springframework.util.Assert;

/**
 * Creates the {@link CredentialStore} of a {@link StoreType}, wrapped in a
 * {@link CachingCredentialStore} so that each key is read once. No keyring is touched and
 * no file is read here: that happens at the first operation.
 * <p>
 * Credentials live, with the default options:
 * <ul>
 * <li>{@link StoreType#KEYRING}: in the system keyring (macOS Keychain, Windows
 * Credential Manager, Secret Service on Linux), service {@code pkce-spring-boot} (the
 * application's name), account = the key;</li>
 * <li>{@link StoreType#FILE}: in {@code $XDG_CONFIG_HOME/pkce-spring-boot} or
 * {@code ~/.config/pkce-spring-boot} ({@code %APPDATA%\pkce-spring-boot} on Windows), one
 * owner-only file per key;</li>
 * <li>{@link StoreType#AUTO}: in the keyring when it works, otherwise in the files;</li>
 * <li>{@link StoreType#MEMORY}: nowhere after the program ends.</li>
 * </ul>
 * Close the store when done (it is {@link AutoCloseable}): on Linux the keyring's D-Bus
 * connection otherwise keeps the JVM alive.
 *
 * @author pkce-spring-boot
 */
public final class CredentialStores {

	private CredentialStores() {
	}

	/**
	 * Creates a store with the default options.
	 * @param type where credentials are kept
	 * @return the store
	 * @throws IllegalStateException when the type is {@link StoreType#KEYRING} and
	 * java-keyring is not on the class path
	 */
	public static CachingCredentialStore create(StoreType type) {
		return create(type, StoreOptions.defaults());
	}

	/**
	 * Creates a store.
	 * @param type where credentials are kept
	 * @param options the application's name, the keyring timeout, the directory
	 * @return the store
	 * @throws IllegalStateException when the type is {@link StoreType#KEYRING} and
	 * java-keyring is not on the class path
	 */
	public static CachingCredentialStore create(StoreType type, StoreOptions options) {
		Assert.notNull(type, "type cannot be null");
		Assert.notNull(options, "options cannot be null");
		CredentialStore store = switch (type) {
			case MEMORY -> new InMemoryCredentialStore();
			case FILE -> new FileCredentialStore(options.getDirectory());
			case KEYRING -> keyring(options);
			case AUTO -> new AutoCredentialStore(isKeyringOnClassPath() ? keyring(options) : null,
					new FileCredentialStore(options.getDirectory()));
		};
		return new CachingCredentialStore(store);
	}

	/**
	 * Whether java-keyring is on the class path, so that {@link StoreType#KEYRING} can be
	 * created. Says nothing about whether the keyring works.
	 * @return whether java-keyring is present
	 */
	public static boolean isKeyringOnClassPath() {
		return KeyringCredentialStore.isJavaKeyringPresent();
	}

	/**
	 * Describes where a store keeps credentials, for a user: "system keyring (service
	 * my-cli)", "files in /home/u/.config/my-cli", "memory only"; for
	 * {@link StoreType#AUTO} before its first use, which of the two it will try. Opens
	 * nothing.
	 * @param store the store
	 * @return a short description
	 */
	public static String describe(CredentialStore store) {
		Assert.notNull(store, "store cannot be null");
		if (store instanceof CachingCredentialStore caching) {
			return describe(caching.getDelegate());
		}
		if (store instanceof KeyringCredentialStore keyring) {
			return "system keyring (service " + keyring.getServiceName() + ")";
		}
		if (store instanceof FileCredentialStore file) {
			return "files in " + file.getDirectory();
		}
		if (store instanceof InMemoryCredentialStore) {
			return "memory only";
		}
		if (store instanceof AutoCredentialStore auto) {
			CredentialStore chosen = auto.getChosen();
			return (chosen != null) ? describe(chosen) : "system keyring, else files (chosen at first use)";
		}
		return store.toString();
	}

	private static KeyringCredentialStore keyring(StoreOptions options) {
		return new KeyringCredentialStore(options.getKeyringServiceName(), options.getKeyringTimeout());
	}

}
