package io.github.pkce.store;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Settings of the stores made by {@link CredentialStores}: the application's name (which
 * names the keyring service and the directory by default), the keyring timeout and the
 * directory of the credential files. Immutable.
 *
 * @author pkce-spring-boot
 */
public final class StoreOptions {

	/** The default application name. */
	public static final String DEFAULT_APPLICATION_NAME = "pkce-spring-boot";

	private static final StoreOptions DEFAULTS = builder().build();

	private final String applicationName;

	private final String keyringServiceName;

	private final Duration keyringTimeout;

	private final @Nullable Path directory;

	private StoreOptions(Builder builder) {
		this.applicationName = builder.applicationName;
		this.keyringServiceName = (builder.keyringServiceName != null) ? builder.keyringServiceName
				: builder.applicationName;
		this.keyringTimeout = builder.keyringTimeout;
		this.directory = builder.directory;
	}

	/**
	 * Returns the default options: application {@value #DEFAULT_APPLICATION_NAME}, a
	 * keyring timeout of 3 seconds, the default directory.
	 * @return the default options
	 */
	public static StoreOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts building options.
	 * @return a builder with the defaults
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the application's name.
	 * @return the application's name
	 */
	public String getApplicationName() {
		return this.applicationName;
	}

	/**
	 * Returns the service name of the keyring entries, by default the application's name.
	 * @return the service name
	 */
	public String getKeyringServiceName() {
		return this.keyringServiceName;
	}

	/**
	 * Returns the bound of every keyring operation.
	 * @return the timeout
	 */
	public Duration getKeyringTimeout() {
		return this.keyringTimeout;
	}

	/**
	 * Returns the directory of the credential files: the one set, or
	 * {@link FileCredentialStore#defaultDirectory(String)} for the application.
	 * @return the directory
	 */
	public Path getDirectory() {
		return (this.directory != null) ? this.directory : FileCredentialStore.defaultDirectory(this.applicationName);
	}

	@Override
	public String toString() {
		return "StoreOptions[applicationName=" + this.applicationName + ", keyringServiceName="
				+ this.keyringServiceName + ", keyringTimeout=" + this.keyringTimeout + ", directory="
				+ ((this.directory != null) ? this.directory : "default") + "]";
	}

	/**
	 * Builds {@link StoreOptions}.
	 */
	public static final class Builder {

		private String applicationName = DEFAULT_APPLICATION_NAME;

		private @Nullable String keyringServiceName;

		private Duration keyringTimeout = KeyringCredentialStore.DEFAULT_TIMEOUT;

		private @Nullable Path directory;

		private Builder() {
		}

		/**
		 * Sets the application's name, which names the keyring service and the directory
		 * ({@code ~/.config/<name>}) unless they are set.
		 * @param applicationName the name, one path segment
		 * @return this builder
		 */
		public Builder applicationName(String applicationName) {
			FileCredentialStore.checkApplicationName(applicationName);
			this.applicationName = applicationName;
			return this;
		}

		/**
		 * Sets the service name of the keyring entries.
		 * @param keyringServiceName the service name
		 * @return this builder
		 */
		public Builder keyringServiceName(String keyringServiceName) {
			Assert.hasText(keyringServiceName, "keyringServiceName cannot be empty");
			this.keyringServiceName = keyringServiceName;
			return this;
		}

		/**
		 * Sets the bound of every keyring operation.
		 * @param keyringTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder keyringTimeout(Duration keyringTimeout) {
			Assert.notNull(keyringTimeout, "keyringTimeout cannot be null");
			Assert.isTrue(!keyringTimeout.isNegative() && !keyringTimeout.isZero(), "keyringTimeout must be positive");
			this.keyringTimeout = keyringTimeout;
			return this;
		}

		/**
		 * Sets the directory of the credential files.
		 * @param directory the directory
		 * @return this builder
		 */
		public Builder directory(Path directory) {
			Assert.notNull(directory, "directory cannot be null");
			this.directory = directory;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 */
		public StoreOptions build() {
			return new StoreOptions(this);
		}

	}

}
