package io.github.pkce;

import java.util.Map;
import java.util.Set;

/**
 * The client configurations of a program, by name, for a program that talks to more than
 * one service and so keeps more than one set of tokens. The configuration named
 * {@value #DEFAULT_REGISTRATION} is the one used when no name is given.
 * <p>
 * Implementations must be thread-safe.
 *
 * @author pkce-spring-boot
 */
public interface ClientConfigStore {

	/**
	 * Name of the default configuration.
	 */
	String DEFAULT_REGISTRATION = "default";

	/**
	 * Returns the configuration with the given name.
	 * @param name the registration name
	 * @return the configuration
	 * @throws IllegalArgumentException when no configuration has that name; the message
	 * lists the known names
	 */
	ClientConfig get(String name);

	/**
	 * Returns the names of the configurations, in a stable order.
	 * @return the names
	 */
	Set<String> names();

	/**
	 * Returns an immutable store holding the given configurations.
	 * @param configs the configurations by name
	 * @return the store
	 */
	static ClientConfigStore of(Map<String, ClientConfig> configs) {
		return new MapClientConfigStore(configs);
	}

}
