package io.github.pkce.store;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link KeyringCredentialStore} on a keyring in memory that fails or hangs on
 * demand. {@link RealKeyringCredentialStoreTests} runs against a real Secret Service.
 *
 * @author pkce-spring-boot
 */
@ExtendWith(OutputCaptureExtension.class)
class KeyringCredentialStoreTests {

	private final FakeKeyring keyring = new FakeKeyring();

	private final KeyringCredentialStore store = new KeyringCredentialStore("service", Duration.ofSeconds(10),
			this.keyring.opener());

	@AfterEach
	void releaseAndClose() {
		CountDownLatch hang = this.keyring.hang;
		if (hang != null) {
			hang.countDown();
		}
		this.store.close();
	}

	@Test
	void credentialsSurviveARoundTrip() {
		this.store.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.store.load("other")).isNull();
	}

	@Test
	void keyringIsOpenedAtTheFirstOperationOnly() {
		assertThat(this.keyring.opens).hasValue(0);
		this.store.load("key");
		this.store.save("key", TestCredentials.first());
		this.store.delete("key");
		assertThat(this.store.isUsable()).isTrue();
		assertThat(this.keyring.opens).hasValue(1);
	}

	@Test
	void keyringThatCannotBeOpenedIsNotOpenedAgain() {
		KeyringCredentialStore store = new KeyringCredentialStore("service", Duration.ofSeconds(10), () -> {
			this.keyring.opens.incrementAndGet();
			throw new IllegalStateException("No available keyring backend found");
		});
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> store.load("key"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.CREDENTIAL_STORE))
			.withMessageContaining("Could not read credentials in the system keyring")
			.withMessageContaining("No available keyring backend found");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> store.save("key", TestCredentials.first()))
			.withMessageContaining("No available keyring backend found");
		assertThat(store.isUsable()).isFalse();
		assertThat(this.keyring.opens).hasValue(1);
		store.close();
	}

	@Test
	void lockedKeyringMakesTheStoreUnusableWithoutCallingItAgain() {
		this.store.load("key");
		this.keyring.failure = new NullPointerException("Cannot read field \"a\" because \"response\" is null");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.save("key", TestCredentials.first()))
			.withMessageContaining("may be locked")
			.withMessageNotContaining(TestCredentials.SECRET_MARK);
		int calls = this.keyring.calls.get();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"))
			.withMessageContaining("may be locked");
		assertThat(this.store.isUsable()).isFalse();
		assertThat(this.store.getUnusableReason()).contains("may be locked");
		assertThat(this.keyring.calls).hasValue(calls);
		assertThat(this.keyring.opens).hasValue(1);
	}

	@Test
	void keyringThatDoesNotAnswerFailsWithinTheTimeout() {
		KeyringCredentialStore store = new KeyringCredentialStore("service", Duration.ofMillis(200),
				this.keyring.opener());
		this.keyring.hang = new CountDownLatch(1);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> store.load("key"))
			.withMessageContaining("did not answer within 200 ms");
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> store.delete("key"))
			.withMessageContaining("did not answer within 200 ms");
		assertThat(this.keyring.calls).hasValue(1);
		store.close();
	}

	@Test
	void probeThatHangsMakesTheKeyringUnusable() {
		KeyringCredentialStore store = new KeyringCredentialStore("service", Duration.ofMillis(200),
				this.keyring.opener());
		this.keyring.hang = new CountDownLatch(1);
		assertThat(store.isUsable()).isFalse();
		assertThat(store.getUnusableReason()).startsWith("it did not answer within 200 ms");
		store.close();
	}

	@Test
	void probeWritesAndDeletesAnEntry() {
		assertThat(this.store.isUsable()).isTrue();
		assertThat(this.keyring.entries).isEmpty();
		assertThat(this.keyring.calls).hasValue(3);
	}

	@Test
	void twoProcessesProbingAtOnceBothFindTheKeyringUsable() {
		java.util.concurrent.atomic.AtomicReference<KeyringCredentialStore> otherProcess = new java.util.concurrent.atomic.AtomicReference<>();
		java.util.concurrent.atomic.AtomicBoolean interleaved = new java.util.concurrent.atomic.AtomicBoolean();
		FakeKeyring shared = new FakeKeyring() {

			@Override
			public @org.jspecify.annotations.Nullable String get(String service, String account) throws Exception {
				// the other process probes between this one's write and its read
				if (interleaved.compareAndSet(false, true)) {
					assertThat(otherProcess.get().isUsable()).isTrue();
				}
				return super.get(service, account);
			}

		};
		KeyringCredentialStore first = new KeyringCredentialStore("service", Duration.ofSeconds(10), shared.opener());
		KeyringCredentialStore second = new KeyringCredentialStore("service", Duration.ofSeconds(10), shared.opener());
		otherProcess.set(second);
		try {
			assertThat(first.isUsable()).isTrue();
			assertThat(interleaved).isTrue();
			assertThat(shared.entries).isEmpty();
		}
		finally {
			first.close();
			second.close();
		}
	}

	@Test
	void probeThatCannotWriteMakesTheKeyringUnusable() {
		this.keyring.writesBeforeFailure = 0;
		assertThat(this.store.isUsable()).isFalse();
		assertThat(this.store.getUnusableReason()).contains("write refused");
	}

	@Test
	void failedSaveKeepsTheCredentialsStoredBefore() {
		this.store.save("key", TestCredentials.withIdToken(4000, 'a'));
		this.keyring.writesBeforeFailure = 2;
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> this.store.save("key", TestCredentials.withIdToken(4000, 'b')));
		KeyringCredentialStore fresh = new KeyringCredentialStore("service", Duration.ofSeconds(10),
				this.keyring.opener());
		assertThat(fresh.load("key")).isEqualTo(TestCredentials.withIdToken(4000, 'a'));
		fresh.close();
	}

	@Test
	void unreadableEntryIsReportedOnceAndReadsAsNothing(CapturedOutput output) {
		this.keyring.entries.put("service/key", "{\"version\":9,\"accessToken\":\"SECRET\"}");
		assertThat(this.store.load("key")).isNull();
		assertThat(this.store.load("key")).isNull();
		assertThat(output).containsOnlyOnce("Ignoring the credentials stored in the system keyring (service 'service'"
				+ ", account 'key'): its format version 9 is not supported");
		assertThat(output).doesNotContain(TestCredentials.SECRET_MARK);
		this.store.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void damagedChunksAreReportedAndReadAsNothing(CapturedOutput output) {
		this.store.save("key", TestCredentials.withIdToken(4000, 'a'));
		this.keyring.entries.remove("service/key#1.1");
		assertThat(this.store.load("key")).isNull();
		assertThat(output).contains("part 2 of ").doesNotContain(TestCredentials.SECRET_MARK);
	}

	@Test
	void closeClosesTheKeyringAndLaterOperationsFail() {
		this.store.load("key");
		this.store.close();
		assertThat(this.keyring.closes).hasValue(1);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"))
			.withMessageContaining("closed");
	}

	@Test
	void closeClosesAKeyringThatFailed() {
		this.store.load("key");
		this.keyring.failure = new NullPointerException();
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"));
		this.keyring.failure = null;
		this.store.close();
		assertThat(this.keyring.closes).hasValue(1);
	}

	@Test
	void closeLeavesAKeyringThatDoesNotAnswer() {
		KeyringCredentialStore store = new KeyringCredentialStore("service", Duration.ofMillis(200),
				this.keyring.opener());
		this.keyring.hang = new CountDownLatch(1);
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> store.load("key"));
		store.close();
		assertThat(this.keyring.closes).hasValue(0);
	}

	@Test
	void closeWithoutAnyOperationOpensNothing() {
		this.store.close();
		assertThat(this.keyring.opens).hasValue(0);
	}

	@Test
	void toStringShowsNoSecret() {
		this.store.save("key", TestCredentials.first());
		assertThat(this.store).hasToString("KeyringCredentialStore[service=service, timeout=10 s]");
	}

	@Test
	void timeoutMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KeyringCredentialStore("service", Duration.ZERO, this.keyring.opener()))
			.withMessage("timeout must be positive");
	}

}
