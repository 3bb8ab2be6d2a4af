package io.github.pkce;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * {@link ClientConfigStore} over an immutable copy of a map.
 *
 * @author pkce-spring-boot
 */
final class MapClientConfigStore implements ClientConfigStore {

	private final Map<String, ClientConfig> configs;

	MapClientConfigStore(Map<String, ClientConfig> configs) {
		Assert.notNull(configs, "configs cannot be null");
		Assert.noNullElements(configs.values(), "configs cannot contain null values");
		this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
	}

	@Override
	public ClientConfig get(String name) {
		Assert.notNull(name, "name cannot be null");
		ClientConfig config = this.configs.get(name);
		if (config == null) {
			throw new IllegalArgumentException(Registrations.unknown(name, this.configs.keySet()));
		}
		return config;
	}

	@Override
	public Set<String> names() {
		return this.configs.keySet();
	}

	@Override
	public String toString() {
		return "ClientConfigStore" + this.configs.keySet();
	}

}
