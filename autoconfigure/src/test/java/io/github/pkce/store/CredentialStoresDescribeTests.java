package io.github.pkce.store;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code auth status} says about where credentials live, without opening anything.
 */
class CredentialStoresDescribeTests {

	@Test
	void eachStoreSaysWhereCredentialsLive(@TempDir Path directory) {
		StoreOptions options = StoreOptions.builder().applicationName("my-cli").directory(directory).build();
		assertThat(CredentialStores.describe(CredentialStores.create(StoreType.MEMORY, options)))
			.isEqualTo("memory only");
		assertThat(CredentialStores.describe(CredentialStores.create(StoreType.FILE, options)))
			.isEqualTo("files in " + directory);
		assertThat(CredentialStores.describe(CredentialStores.create(StoreType.KEYRING, options)))
			.isEqualTo("system keyring (service my-cli)");
		assertThat(CredentialStores.describe(CredentialStores.create(StoreType.AUTO, options)))
			.isEqualTo("system keyring, else files (chosen at first use)");
	}

}
