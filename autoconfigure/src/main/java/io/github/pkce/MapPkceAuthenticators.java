package io.github.pkce;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * {@link PkceAuthenticators} over an immutable copy of a map.
 *
 * @author pkce-spring-boot
 */
final class MapPkceAuthenticators implements PkceAuthenticators {

	private final Map<String, PkceAuthenticator> authenticators;

	MapPkceAuthenticators(Map<String, PkceAuthenticator> authenticators) {
		Assert.notNull(authenticators, "authenticators cannot be null");
		Assert.noNullElements(authenticators.values(), "authenticators cannot contain null values");
		this.authenticators = Collections.unmodifiableMap(new LinkedHashMap<>(authenticators));
	}

	@Override
	public PkceAuthenticator get(String name) {
		Assert.notNull(name, "name cannot be null");
		PkceAuthenticator authenticator = this.authenticators.get(name);
		if (authenticator == null) {
			throw new IllegalArgumentException(Registrations.unknown(name, this.authenticators.keySet()));
		}
		return authenticator;
	}

	@Override
	public Set<String> names() {
		return this.authenticators.keySet();
	}

	@Override
	public String toString() {
		return "PkceAuthenticators" + this.authenticators.keySet();
	}

}
