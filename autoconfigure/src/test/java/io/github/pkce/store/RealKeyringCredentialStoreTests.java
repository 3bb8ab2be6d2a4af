package io.github.pkce.store;

import java.time.Duration;
import java.util.UUID;

import io.github.pkce.Credentials;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KeyringCredentialStore} against the real system keyring (a Secret
 * Service on Linux, see {@code .ci/run}), only with
 * {@code PKCE_REQUIRE_KEYRING_TESTS=true}. Each run uses a service name of its own and
 * deletes what it wrote.
 *
 * @author pkce-spring-boot
 */
@EnabledIfSecretService
@ExtendWith(OutputCaptureExtension.class)
class RealKeyringCredentialStoreTests {

	// Generous: the first operation opens the keyring, a few hundred milliseconds
	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final String service = "pkce-spring-boot-test-" + UUID.randomUUID();

	private final KeyringCredentialStore store = new KeyringCredentialStore(this.service, TIMEOUT);

	@AfterEach
	void deleteAndClose() throws Exception {
		try {
			for (String key : new String[] { "key", "one", "two" }) {
				this.store.delete(key);
				assertThat(raw(key)).isNull();
			}
		}
		finally {
			this.store.close();
		}
	}

	@Test
	void keyringIsUsable() {
		assertThat(this.store.isUsable()).isTrue();
	}

	@Test
	void dpopKeySurvivesARestartAndIsDeletedWithTheCredentials() throws Exception {
		this.store.save("key", TestCredentials.dpopBound());
		try (KeyringCredentialStore other = new KeyringCredentialStore(this.service, TIMEOUT)) {
			Credentials loaded = other.load("key");
			assertThat(loaded).isEqualTo(TestCredentials.dpopBound());
			assertThat(loaded.dpopKey().thumbprint()).isEqualTo(TestCredentials.DPOP_KEY.thumbprint());
			other.delete("key");
		}
		assertThat(raw("key")).isNull();
		try (KeyringCredentialStore other = new KeyringCredentialStore(this.service, TIMEOUT)) {
			assertThat(other.load("key")).isNull();
		}
	}

	@Test
	void credentialsSurviveARoundTrip() {
		this.store.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		try (KeyringCredentialStore other = new KeyringCredentialStore(this.service, TIMEOUT)) {
			assertThat(other.load("key")).isEqualTo(TestCredentials.first());
		}
	}

	@Test
	void saveReplacesTheCredentials() {
		this.store.save("key", TestCredentials.first());
		this.store.save("key", TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.second());
	}

	@Test
	void deleteRemovesTheCredentials() {
		this.store.save("key", TestCredentials.first());
		this.store.delete("key");
		assertThat(this.store.load("key")).isNull();
	}

	@Test
	void missingEntryReadsAsNothing() {
		assertThat(this.store.load("key")).isNull();
		this.store.delete("key");
	}

	@Test
	void largeIdTokenIsSplitAcrossEntriesAndReassembled() throws Exception {
		Credentials large = TestCredentials.withIdToken(4096, 'a');
		this.store.save("key", large);
		assertThat(raw("key")).startsWith(KeyringEntries.HEADER_PREFIX + "1:");
		assertThat(raw(KeyringEntries.chunkAccount("key", 1, 0))).hasSize(KeyringEntries.CHUNK_SIZE);
		assertThat(this.store.load("key")).isEqualTo(large);
		Credentials other = TestCredentials.withIdToken(4096, 'b');
		this.store.save("key", other);
		assertThat(raw("key")).startsWith(KeyringEntries.HEADER_PREFIX + "2:");
		assertThat(raw(KeyringEntries.chunkAccount("key", 1, 0))).isNull();
		assertThat(this.store.load("key")).isEqualTo(other);
		this.store.save("key", TestCredentials.minimal());
		assertThat(raw(KeyringEntries.chunkAccount("key", 2, 0))).isNull();
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.minimal());
	}

	@Test
	void keysAreKeptApart() {
		this.store.save("one", TestCredentials.first());
		this.store.save("two", TestCredentials.withIdToken(4096, 'b'));
		assertThat(this.store.load("one")).isEqualTo(TestCredentials.first());
		assertThat(this.store.load("two")).isEqualTo(TestCredentials.withIdToken(4096, 'b'));
		this.store.delete("one");
		assertThat(this.store.load("one")).isNull();
		assertThat(this.store.load("two")).isEqualTo(TestCredentials.withIdToken(4096, 'b'));
	}

	@Test
	void unreadableEntryReadsAsNothing(CapturedOutput output) throws Exception {
		KeyringAccess keyring = JavaKeyringAccess.open();
		try {
			keyring.set(this.service, "key", "SECRET garbage");
		}
		finally {
			keyring.close();
		}
		assertThat(this.store.load("key")).isNull();
		assertThat(output).contains("Ignoring the credentials stored in the system keyring (service '" + this.service
				+ "', account 'key'): it is not valid JSON");
	}

	private @Nullable String raw(String account) throws Exception {
		KeyringAccess keyring = JavaKeyringAccess.open();
		try {
			return keyring.get(this.service, account);
		}
		finally {
			keyring.close();
		}
	}

}
