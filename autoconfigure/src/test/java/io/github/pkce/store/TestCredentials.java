package io.github.pkce.store;

import java.time.Instant;
import java.util.Set;

import io.github.pkce.Credentials;
import io.github.pkce.dpop.DpopKey;

/**
 * Credentials for the store tests. The tokens are recognisable so that a test can check
 * that they never appear in a log line.
 *
 * @author pkce-spring-boot
 */
final class TestCredentials {

	static final String SECRET_MARK = "SECRET";

	private TestCredentials() {
	}

	static Credentials first() {
		return new Credentials("SECRET-access-1", "Bearer", Instant.parse("2030-01-02T03:04:05.123456789Z"),
				"SECRET-refresh-1", "SECRET-id-1", Set.of("openid", "profile"));
	}

	static Credentials second() {
		return new Credentials("SECRET-access-2", "Bearer", Instant.parse("2031-06-07T08:09:10Z"), "SECRET-refresh-2",
				null, Set.of("api"));
	}

	/** The DPoP key of {@link #dpopBound()}, made once per test run. */
	static final DpopKey DPOP_KEY = DpopKey.generate();

	/**
	 * Credentials bound to a DPoP key, whose private key the stores keep with the tokens.
	 */
	static Credentials dpopBound() {
		return new Credentials("SECRET-access-dpop", "DPoP", Instant.parse("2030-01-02T03:04:05Z"),
				"SECRET-refresh-dpop", null, Set.of("api"), DPOP_KEY);
	}

	static Credentials minimal() {
		return new Credentials("SECRET-access-3", "DPoP", null, null, null, Set.of());
	}

	/**
	 * Credentials with an ID token of the given length, larger than one keyring entry.
	 */
	static Credentials withIdToken(int length, char filler) {
		StringBuilder idToken = new StringBuilder("SECRET-id-");
		while (idToken.length() < length) {
			idToken.append(filler);
		}
		return new Credentials("SECRET-access-big-" + filler, "Bearer", Instant.parse("2032-01-01T00:00:00Z"),
				"SECRET-refresh-big-" + filler, idToken.toString(), Set.of("openid"));
	}

}
