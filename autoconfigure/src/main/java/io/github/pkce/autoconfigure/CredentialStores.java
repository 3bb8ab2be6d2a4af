package io.github.pkce.autoconfigure;

import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;

/**
 * Creates the {@link CredentialStore} that {@code auth.pkce.store.*} asks for.
 *
 * @author pkce-spring-boot
 */
final class CredentialStores {

	private CredentialStores() {
	}

	/**
	 * Creates the store.
	 * @param store the store properties, already checked
	 * @return the store
	 */
	static CredentialStore create(PkceProperties.Store store) {
		// the keyring and file stores are being written; until they land, every type
		// keeps credentials in memory
		return switch (store.getType()) {
			case AUTO, KEYRING, FILE, MEMORY -> new InMemoryCredentialStore();
		};
	}

}
