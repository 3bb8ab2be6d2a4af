package io.github.pkce.store;

import java.nio.file.Path;
import java.time.Duration;

import io.github.pkce.Credentials;
import io.github.pkce.PkceException;

/**
 * The main class of the child JVMs started by {@link StoreProcessTests}. Prints its
 * results on lines starting with {@code RESULT }. Always ends with {@link System#exit}:
 * java-keyring can leave non-daemon D-Bus threads behind.
 *
 * @author pkce-spring-boot
 */
final class StoreChild {

	static final String KEY = "cli-key";

	private StoreChild() {
	}

	static Credentials first(boolean large) {
		return large ? TestCredentials.withIdToken(4000, 'a') : TestCredentials.first();
	}

	static Credentials second(boolean large) {
		return large ? TestCredentials.withIdToken(2500, 'b') : TestCredentials.second();
	}

	public static void main(String[] args) {
		int status = 0;
		try {
			switch (args[0]) {
				case "auto" -> auto(args[1]);
				case "save-loop-file" -> saveLoop(new FileCredentialStore(Path.of(args[1])), false);
				case "save-loop-keyring" -> saveLoop(new KeyringCredentialStore(args[1], Duration.ofSeconds(20)), true);
				case "locked" -> locked(args[1], Duration.ofMillis(Long.parseLong(args[2])));
				case "measure" -> measure(args[1]);
				case "measure-cold-read" -> measureColdRead(args[1]);
				default -> throw new IllegalArgumentException("Unknown mode " + args[0]);
			}
		}
		catch (Throwable ex) {
			ex.printStackTrace(System.out);
			status = 2;
		}
		System.out.flush();
		System.exit(status);
	}

	private static void auto(String applicationName) {
		StoreOptions options = StoreOptions.builder()
			.applicationName(applicationName)
			.keyringTimeout(Duration.ofSeconds(10))
			.build();
		try (CachingCredentialStore store = CredentialStores.create(StoreType.AUTO, options)) {
			result("before=" + store.load(KEY));
			store.save(KEY, TestCredentials.first());
			store.save(KEY, TestCredentials.second());
			result("loaded=" + TestCredentials.second().equals(store.reload(KEY)));
			store.delete("other-key");
			result("file=" + new FileCredentialStore(options.getDirectory()).getFile(KEY));
		}
	}

	private static void saveLoop(CredentialStore store, boolean large) {
		store.save(KEY, first(large));
		result("READY");
		for (long i = 1;; i++) {
			store.save(KEY, (i % 2 == 0) ? first(large) : second(large));
		}
	}

	private static void locked(String service, Duration timeout) {
		KeyringCredentialStore store = new KeyringCredentialStore(service, timeout);
		attempt("first", () -> store.save(KEY, TestCredentials.first()));
		attempt("second", () -> store.load(KEY));
		attempt("probe", () -> result("usable=" + store.isUsable()));
		StoreOptions options = StoreOptions.builder()
			.applicationName("pkce-locked-test")
			.keyringServiceName(service)
			.keyringTimeout(timeout)
			.build();
		attempt("auto", () -> {
			try (CachingCredentialStore auto = CredentialStores.create(StoreType.AUTO, options)) {
				auto.save(KEY, TestCredentials.first());
				result("auto loaded=" + TestCredentials.first().equals(auto.reload(KEY)));
			}
		});
	}

	private static void attempt(String name, Runnable operation) {
		long start = System.nanoTime();
		try {
			operation.run();
			result(name + "=succeeded in " + millis(start) + " ms");
		}
		catch (PkceException ex) {
			result(name + "=PkceException " + ex.getErrorCode() + " in " + millis(start) + " ms: " + ex.getMessage());
		}
	}

	// Leaves small credentials behind for measureColdRead
	private static void measure(String service) {
		KeyringCredentialStore store = new KeyringCredentialStore(service, Duration.ofSeconds(20));
		try {
			long start = System.nanoTime();
			store.load(KEY);
			result("first read, no entry (open + get, cold JVM)=" + millis(start) + " ms");
			start = System.nanoTime();
			store.load(KEY);
			result("read, no entry=" + millis(start) + " ms");
			start = System.nanoTime();
			CredentialsCodec.encode(TestCredentials.first());
			result("first JSON encoding (Jackson start-up, not the keyring)=" + millis(start) + " ms");
			time("first save, small (1 entry)", () -> store.save(KEY, TestCredentials.second()));
			time("save, small (1 entry)", () -> store.save(KEY, TestCredentials.first()));
			time("read, small", () -> store.load(KEY));
			time("save, 4 KB ID token (chunked)", () -> store.save(KEY, TestCredentials.withIdToken(4000, 'a')));
			time("save, 4 KB ID token over 4 KB", () -> store.save(KEY, TestCredentials.withIdToken(4000, 'b')));
			time("read, 4 KB ID token", () -> store.load(KEY));
			time("delete, 4 KB ID token", () -> store.delete(KEY));
			store.save(KEY, TestCredentials.first());
		}
		finally {
			store.close();
		}
	}

	private static void measureColdRead(String service) {
		KeyringCredentialStore store = new KeyringCredentialStore(service, Duration.ofSeconds(20));
		try {
			long start = System.nanoTime();
			Credentials credentials = store.load(KEY);
			result("first read, small entry (open + get + JSON, cold JVM)=" + millis(start) + " ms");
			result("read back=" + TestCredentials.first().equals(credentials));
			time("delete, small", () -> store.delete(KEY));
		}
		finally {
			store.close();
		}
	}

	private static void time(String name, Runnable operation) {
		long start = System.nanoTime();
		operation.run();
		result(name + "=" + millis(start) + " ms");
	}

	private static String millis(long start) {
		return String.format("%.1f", (System.nanoTime() - start) / 1e6);
	}

	private static void result(String text) {
		System.out.println("RESULT " + text);
		System.out.flush();
	}

}
