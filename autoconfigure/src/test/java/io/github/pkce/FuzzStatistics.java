package io.github.pkce;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the executions of a Jazzer fuzz test and prints them with their rate, so that
 * the build log and the surefire report of the fuzzing run show how much was fuzzed:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final FuzzStatistics statistics = new FuzzStatistics();
 *
 * &#64;FuzzTest
 * void target(byte[] input) {
 * 	statistics.count();
 * 	// ...
 * }
 * </pre>
 *
 * In fuzzing mode the whole run is one test invocation: its line is printed when it ends,
 * and lands in the report as that test's output. The rate is measured from the first
 * execution to the last, so the agent's start is left out. In regression mode (a plain
 * build) each saved input is one invocation; one line at the end tells how many were
 * replayed.
 */
public final class FuzzStatistics
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private final AtomicLong executions = new AtomicLong();

	private final AtomicLong replayed = new AtomicLong();

	private volatile long first;

	private volatile long last;

	/**
	 * Counts one execution of the fuzz test.
	 */
	public void count() {
		long now = System.nanoTime();
		if (this.executions.getAndIncrement() == 0) {
			this.first = now;
		}
		this.last = now;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.replayed.set(0);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.executions.set(0);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		long count = this.executions.get();
		if (count <= 1) {
			this.replayed.addAndGet(count);
			return;
		}
		double seconds = (this.last - this.first) / 1e9;
		String rate = (seconds > 0) ? String.format(Locale.ROOT, ", %.0f executions/s", (count - 1) / seconds) : "";
		System.out.printf(Locale.ROOT, "[fuzz] %s: %d executions in %.1f s%s (fuzzing)%n", name(context), count,
				seconds, rate);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		System.out.printf(Locale.ROOT, "[fuzz] %s: %d saved inputs replayed%n", name(context), this.replayed.get());
	}

	private static String name(ExtensionContext context) {
		return context.getRequiredTestClass().getSimpleName();
	}

}
