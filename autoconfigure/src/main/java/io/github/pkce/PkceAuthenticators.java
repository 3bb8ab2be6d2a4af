package io.github.pkce;

import java.util.Map;
import java.util.Set;

/**
 * The {@link PkceAuthenticator}s of a program, one per client configuration, by the names
 * of {@link ClientConfigStore}. The one named
 * {@value ClientConfigStore#DEFAULT_REGISTRATION} is the default.
 * <p>
 * Implementations must be thread-safe.
 *
 * @author pkce-spring-boot
 */
public interface PkceAuthenticators {

	/**
	 * Returns the authenticator with the given name.
	 * @param name the registration name
	 * @return the authenticator
	 * @throws IllegalArgumentException when no authenticator has that name; the message
	 * lists the known names
	 */
	PkceAuthenticator get(String name);

	/**
	 * Returns the names of the authenticators, in a stable order.
	 * @return the names
	 */
	Set<String> names();

	/**
	 * Returns an immutable registry holding the given authenticators.
	 * @param authenticators the authenticators by name
	 * @return the registry
	 */
	static PkceAuthenticators of(Map<String, PkceAuthenticator> authenticators) {
		return new MapPkceAuthenticators(authenticators);
	}

}
