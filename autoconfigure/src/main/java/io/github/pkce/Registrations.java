package io.github.pkce;

import java.util.Set;

/**
 * Messages about registration names.
 *
 * @author pkce-spring-boot
 */
final class Registrations {

	private Registrations() {
	}

	static String unknown(String name, Set<String> known) {
		if (known.isEmpty()) {
			return "No registration named '" + name + "': none is configured.";
		}
		return "No registration named '" + name + "'. Known registrations: " + String.join(", ", known);
	}

}
