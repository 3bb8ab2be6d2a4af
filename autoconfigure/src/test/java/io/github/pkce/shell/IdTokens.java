package io.github.pkce.shell;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Unsigned ID tokens, enough for commands that only read their claims.
 */
final class IdTokens {

	private IdTokens() {
	}

	static String withClaims(String json) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(json.getBytes(StandardCharsets.UTF_8)) + ".";
	}

}
