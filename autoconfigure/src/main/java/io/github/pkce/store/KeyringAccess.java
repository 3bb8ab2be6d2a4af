package io.github.pkce.store;

import org.jspecify.annotations.Nullable;

/**
 * The three calls {@link KeyringCredentialStore} makes to a keyring, so that the store
 * can be tested with a fake and so that java-keyring is only loaded when it is present.
 * Calls may block; the store bounds them by a timeout.
 *
 * @author pkce-spring-boot
 */
interface KeyringAccess extends AutoCloseable {

	/**
	 * Reads an entry.
	 * @param service the service name
	 * @param account the account name
	 * @return the value, or {@code null} when there is no such entry
	 * @throws Exception when the keyring fails
	 */
	@Nullable String get(String service, String account) throws Exception;

	/**
	 * Writes an entry, replacing its value.
	 * @param service the service name
	 * @param account the account name
	 * @param value the value
	 * @throws Exception when the keyring fails
	 */
	void set(String service, String account, String value) throws Exception;

	/**
	 * Deletes an entry.
	 * @param service the service name
	 * @param account the account name
	 * @return whether an entry was deleted
	 * @throws Exception when the keyring fails
	 */
	boolean delete(String service, String account) throws Exception;

	/**
	 * Opens a keyring.
	 */
	@FunctionalInterface
	interface Opener {

		/**
		 * Opens the keyring; may block.
		 * @return the keyring
		 * @throws Exception when there is no usable keyring
		 */
		KeyringAccess open() throws Exception;

	}

}
