package io.github.pkce.store;

/**
 * Where {@link CredentialStores#create(StoreType, StoreOptions)} keeps credentials.
 *
 * @author pkce-spring-boot
 */
public enum StoreType {

	/**
	 * The system keyring when java-keyring is on the class path and the keyring works
	 * (checked at the first use, within the keyring timeout), otherwise the files, with
	 * one warning that says why and how to choose explicitly.
	 */
	AUTO,

	/**
	 * The system keyring ({@link KeyringCredentialStore}); fails when it is missing,
	 * locked or does not answer.
	 */
	KEYRING,

	/**
	 * Owner-only files in a per-user directory ({@link FileCredentialStore}).
	 */
	FILE,

	/**
	 * Memory only ({@link InMemoryCredentialStore}): the user signs in again in every
	 * run.
	 */
	MEMORY

}
