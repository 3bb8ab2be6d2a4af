package io.github.pkce.store;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition of {@link EnabledIfSecretService}: probes the keyring once per JVM with
 * {@link KeyringCredentialStore#isUsable()} (a write, a read and a delete of a probe
 * entry under a service name of its own).
 *
 * @author pkce-spring-boot
 */
final class SecretServiceCondition implements ExecutionCondition {

	static final String REQUIRED_VARIABLE = "PKCE_REQUIRE_KEYRING_TESTS";

	private static volatile @Nullable String unavailableReason;

	private static volatile boolean probed;

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		String reason = unavailableReason();
		if (reason == null) {
			return ConditionEvaluationResult.enabled("a system keyring works here");
		}
		if ("true".equals(System.getenv(REQUIRED_VARIABLE))) {
			throw new IllegalStateException(REQUIRED_VARIABLE + " is true but no system keyring works here: " + reason);
		}
		return ConditionEvaluationResult.disabled("No system keyring works here: " + reason
				+ " (run inside dbus-run-session with an unlocked gnome-keyring-daemon, see .ci/run)");
	}

	static synchronized @Nullable String unavailableReason() {
		if (!probed) {
			unavailableReason = probe();
			probed = true;
		}
		return unavailableReason;
	}

	static boolean isAvailable() {
		return unavailableReason() == null;
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
