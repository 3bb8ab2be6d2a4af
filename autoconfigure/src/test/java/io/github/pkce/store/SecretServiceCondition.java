package io.github.pkce.store;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition of {@link EnabledIfSecretService}: the keyring tests write into the
 * system keyring (and one kills a process in the middle of a write), so they run only
 * when {@code PKCE_REQUIRE_KEYRING_TESTS=true} asks for them, as {@code .ci/run} does
 * inside a private D-Bus session with a keyring of its own; a developer's
 * {@code ./mvnw verify} never touches their login keyring. When asked for, the keyring is
 * probed once per JVM with {@link KeyringCredentialStore#isUsable()} (a write, a read and
 * a delete of a probe entry under a service name of its own), and a keyring that does not
 * work fails the tests instead of skipping them.
 *
 * @author pkce-spring-boot
 */
final class SecretServiceCondition implements ExecutionCondition {

	static final String REQUIRED_VARIABLE = "PKCE_REQUIRE_KEYRING_TESTS";

	private static volatile @Nullable String unavailableReason;

	private static volatile boolean probed;

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (!"true".equals(System.getenv(REQUIRED_VARIABLE))) {
			return ConditionEvaluationResult.disabled("The keyring tests write into the system keyring: they run only "
					+ "with " + REQUIRED_VARIABLE + "=true, in a D-Bus session with a keyring of their own (.ci/run)");
		}
		String reason = unavailableReason();
		if (reason != null) {
			throw new IllegalStateException(REQUIRED_VARIABLE + " is true but no system keyring works here: " + reason);
		}
		return ConditionEvaluationResult.enabled("a system keyring works here");
	}

	private static synchronized @Nullable String unavailableReason() {
		if (!probed) {
			unavailableReason = probe();
			probed = true;
		}
		return unavailableReason;
	}

	private static @Nullable String probe() {
		if (!KeyringCredentialStore.isJavaKeyringPresent()) {
			return "java-keyring is not on the class path";
		}
		String os = System.getProperty("os.name", "");
		if (os.startsWith("Linux") && System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
			return "DBUS_SESSION_BUS_ADDRESS is not set";
		}
		KeyringCredentialStore store = new KeyringCredentialStore("pkce-spring-boot-test-probe-" + UUID.randomUUID(),
				Duration.ofSeconds(10));
		try {
			return store.isUsable() ? null : store.getUnusableReason();
		}
		finally {
			store.close();
		}
	}

}
