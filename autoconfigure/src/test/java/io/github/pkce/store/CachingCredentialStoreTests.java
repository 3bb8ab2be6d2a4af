package io.github.pkce.store;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.pkce.Credentials;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CachingCredentialStore}.
 *
 * @author pkce-spring-boot
 */
class CachingCredentialStoreTests {

	private final CountingStore delegate = new CountingStore();

	private final CachingCredentialStore store = new CachingCredentialStore(this.delegate);

	@Test
	void eachKeyIsReadOnce() {
		this.delegate.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.store.load("other")).isNull();
		assertThat(this.store.load("other")).isNull();
		assertThat(this.delegate.loads).hasValue(2);
	}

	@Test
	void saveWritesThroughAndIsServedFromMemory() {
		this.store.save("key", TestCredentials.first());
		assertThat(this.delegate.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.delegate.loads).hasValue(1);
	}

	@Test
	void deleteWritesThroughAndIsServedFromMemory() {
		this.store.save("key", TestCredentials.first());
		this.store.delete("key");
		assertThat(this.delegate.load("key")).isNull();
		assertThat(this.store.load("key")).isNull();
		assertThat(this.delegate.loads).hasValue(1);
	}

	@Test
	void failedSaveLeavesMemoryAsItWas() {
		this.store.save("key", TestCredentials.first());
		this.delegate.failing = true;
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> this.store.save("key", TestCredentials.second()));
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void failedLoadIsNotRemembered() {
		this.delegate.failing = true;
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> this.store.load("key"));
		this.delegate.failing = false;
		this.delegate.save("key", TestCredentials.first());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
	}

	@Test
	void reloadSeesWhatAnotherProcessSaved() {
		this.store.save("key", TestCredentials.first());
		this.delegate.save("key", TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.first());
		assertThat(this.store.reload("key")).isEqualTo(TestCredentials.second());
		assertThat(this.store.load("key")).isEqualTo(TestCredentials.second());
	}

	@Test
	void closeClosesTheDelegate() {
		this.store.close();
		assertThat(this.delegate.closed).isTrue();
	}

	@Test
	void closeIgnoresADelegateThatIsNotCloseable() {
		new CachingCredentialStore(new InMemoryCredentialStore()).close();
	}

	static final class CountingStore implements CredentialStore, AutoCloseable {

		private final InMemoryCredentialStore memory = new InMemoryCredentialStore();

		final AtomicInteger loads = new AtomicInteger();

		volatile boolean failing;

		volatile boolean closed;

		@Override
		public @Nullable Credentials load(String key) {
			this.loads.incrementAndGet();
			fail();
			return this.memory.load(key);
		}

		@Override
		public void save(String key, Credentials credentials) {
			fail();
			this.memory.save(key, credentials);
		}

		@Override
		public void delete(String key) {
			fail();
			this.memory.delete(key);
		}

		@Override
		public void close() {
			this.closed = true;
		}

		private void fail() {
			if (this.failing) {
				throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE, "failing");
			}
		}

	}

}
