package io.github.pkce.store;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AutoCredentialStore}, with a keyring in memory. The fallback without
 * any keyring is tested in a child JVM by {@link StoreProcessTests}.
 *
 * @author pkce-spring-boot
 */
@ExtendWith(OutputCaptureExtension.class)
class AutoCredentialStoreTests {

	@TempDir
	Path directory;

	private final FakeKeyring keyring = new FakeKeyring();

	@Test
	void workingKeyringIsChosenAtTheFirstUseWithoutWarning(CapturedOutput output) {
		KeyringCredentialStore keyringStore = keyringStore();
		AutoCredentialStore store = new AutoCredentialStore(keyringStore, new FileCredentialStore(this.directory));
		assertThat(this.keyring.opens).hasValue(0);
		store.save("key", TestCredentials.first());
		assertThat(store.chosen("key")).isSameAs(keyringStore);
		assertThat(keyringStore.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.keyring.opens).hasValue(1);
		assertThat(this.directory).isEmptyDirectory();
		assertThat(output).doesNotContain("The system keyring is not available");
		store.close();
	}

	@Test
	void unusableKeyringFallsBackToTheFilesWithOneWarning(CapturedOutput output) {
		this.keyring.failure = new NullPointerException("response is null");
		FileCredentialStore files = new FileCredentialStore(this.directory);
		AutoCredentialStore store = new AutoCredentialStore(keyringStore(), files);
		store.save("key", TestCredentials.first());
		assertThat(store.load("key")).isEqualTo(TestCredentials.first());
		store.delete("other");
		assertThat(files.load("key")).isEqualTo(TestCredentials.first());
		assertThat(output).containsOnlyOnce("The system keyring is not available (it refused the operation, it may "
				+ "be locked (NullPointerException: response is null)); credentials are stored in "
				+ files.getFile("key") + " (owner-only). Set auth.pkce.store.type=file to silence this warning, or "
				+ "keyring to require the keyring.");
		// its D-Bus connection is released at once
		assertThat(this.keyring.closes).hasValue(1);
		store.close();
	}

	@Test
	void missingJavaKeyringFallsBackToTheFilesWithOneWarning(CapturedOutput output) {
		FileCredentialStore files = new FileCredentialStore(this.directory);
		AutoCredentialStore store = new AutoCredentialStore(null, files);
		assertThat(store.load("key")).isNull();
		store.save("key", TestCredentials.first());
		assertThat(output).containsOnlyOnce(
				"The system keyring is not available (java-keyring is not on the class path); credentials are stored in "
						+ files.getFile("key"));
	}

	@Test
	void keyringWorkingAtFirstStaysChosenWhenItFailsLater() {
		KeyringCredentialStore keyringStore = keyringStore();
		AutoCredentialStore store = new AutoCredentialStore(keyringStore, new FileCredentialStore(this.directory));
		store.save("key", TestCredentials.first());
		this.keyring.failure = new IllegalStateException("gone");
		assertThat(store.chosen("key")).isSameAs(keyringStore);
		store.close();
	}

	private KeyringCredentialStore keyringStore() {
		return new KeyringCredentialStore("service", Duration.ofSeconds(10), this.keyring.opener());
	}

}
