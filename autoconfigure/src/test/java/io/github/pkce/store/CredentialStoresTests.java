package io.github.pkce.store;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CredentialStores} and {@link StoreOptions}.
 *
 * @author pkce-spring-boot
 */
class CredentialStoresTests {

	@TempDir
	Path directory;

	@Test
	void memoryStoreIsCreated() {
		CachingCredentialStore store = CredentialStores.create(StoreType.MEMORY);
		assertThat(store.getDelegate()).isInstanceOf(InMemoryCredentialStore.class);
		store.save("key", TestCredentials.first());
		assertThat(store.load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void fileStoreIsCreatedInTheDirectoryOfTheOptions() {
		CachingCredentialStore store = CredentialStores.create(StoreType.FILE,
				StoreOptions.builder().directory(this.directory).build());
		assertThat(store.getDelegate()).isInstanceOfSatisfying(FileCredentialStore.class,
				(files) -> assertThat(files.getDirectory()).isEqualTo(this.directory.toAbsolutePath()));
		store.save("key", TestCredentials.first());
		assertThat(new FileCredentialStore(this.directory).load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void keyringStoreIsCreatedWithTheServiceNameAndTimeoutOfTheOptions() {
		CachingCredentialStore store = CredentialStores.create(StoreType.KEYRING,
				StoreOptions.builder().applicationName("acme").keyringTimeout(Duration.ofMillis(1500)).build());
		assertThat(store.getDelegate()).isInstanceOfSatisfying(KeyringCredentialStore.class, (keyring) -> {
			assertThat(keyring.getServiceName()).isEqualTo("acme");
			assertThat(keyring.getTimeout()).isEqualTo(Duration.ofMillis(1500));
			assertThat(keyring).hasToString("KeyringCredentialStore[service=acme, timeout=1500 ms]");
		});
		store.close();
	}

	@Test
	void autoStoreChoosesNothingAtCreation() {
		CachingCredentialStore store = CredentialStores.create(StoreType.AUTO,
				StoreOptions.builder().directory(this.directory).build());
		assertThat(store.getDelegate()).isInstanceOf(AutoCredentialStore.class)
			.hasToString("AutoCredentialStore[not chosen yet]");
		store.close();
	}

	@Test
	void javaKeyringIsDetected() throws Exception {
		assertThat(CredentialStores.isKeyringOnClassPath()).isTrue();
		try (FilteredClassLoader classLoader = new FilteredClassLoader("com.github.javakeyring")) {
			assertThat(KeyringCredentialStore.isJavaKeyringPresent(classLoader)).isFalse();
		}
	}

	@Test
	void optionsHaveDefaults() {
		StoreOptions options = StoreOptions.defaults();
		assertThat(options.getApplicationName()).isEqualTo("pkce-spring-boot");
		assertThat(options.getKeyringServiceName()).isEqualTo("pkce-spring-boot");
		assertThat(options.getKeyringTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.getDirectory()).isEqualTo(FileCredentialStore.defaultDirectory("pkce-spring-boot"));
	}

	@Test
	void applicationNameNamesTheServiceAndTheDirectory() {
		StoreOptions options = StoreOptions.builder().applicationName("acme").build();
		assertThat(options.getKeyringServiceName()).isEqualTo("acme");
		assertThat(options.getDirectory()).isEqualTo(FileCredentialStore.defaultDirectory("acme"));
		assertThat(StoreOptions.builder()
			.applicationName("acme")
			.keyringServiceName("acme-tokens")
			.build()
			.getKeyringServiceName()).isEqualTo("acme-tokens");
	}

}
