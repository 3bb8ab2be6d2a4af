package io.github.pkce.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A keyring in memory that can fail or hang on demand.
 *
 * @author pkce-spring-boot
 */
class FakeKeyring implements KeyringAccess {

	final Map<String, String> entries = new TreeMap<>();

	final AtomicInteger opens = new AtomicInteger();

	final AtomicInteger calls = new AtomicInteger();

	final AtomicInteger closes = new AtomicInteger();

	/** Writes that succeed before every later write throws; negative for no limit. */
	volatile int writesBeforeFailure = -1;

	volatile @Nullable RuntimeException failure;

	volatile @Nullable CountDownLatch hang;

	KeyringAccess.Opener opener() {
		return () -> {
			this.opens.incrementAndGet();
			return this;
		};
	}

	@Override
	public synchronized @Nullable String get(String service, String account) throws Exception {
		called();
		return this.entries.get(service + "/" + account);
	}

	@Override
	public synchronized void set(String service, String account, String value) throws Exception {
		called();
		if (this.writesBeforeFailure == 0) {
			throw new IllegalStateException("write refused");
		}
		if (this.writesBeforeFailure > 0) {
			this.writesBeforeFailure--;
		}
		this.entries.put(service + "/" + account, value);
	}

	@Override
	public synchronized boolean delete(String service, String account) throws Exception {
		called();
		return this.entries.remove(service + "/" + account) != null;
	}

	@Override
	public void close() {
		this.closes.incrementAndGet();
	}

	private void called() throws InterruptedException {
		this.calls.incrementAndGet();
		RuntimeException failure = this.failure;
		if (failure != null) {
			throw failure;
		}
		CountDownLatch hang = this.hang;
		if (hang != null) {
			hang.await();
		}
	}

}
