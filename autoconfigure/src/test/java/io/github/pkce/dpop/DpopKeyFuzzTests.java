package io.github.pkce.dpop;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.FuzzStatistics;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test for {@link DpopKey#fromJwk(String)}, which reads the private key of stored
 * credentials: any text gives a key that survives a round trip with the same thumbprint,
 * or an {@link IllegalArgumentException} whose message is one of ours and never quotes
 * the text (it may hold a private key).
 *
 * @author pkce-spring-boot
 */
class DpopKeyFuzzTests {

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	@FuzzTest
	// libFuzzer dictionary syntax: \xNN for a quote
	@DictionaryEntries({ "{\\x22kty\\x22:\\x22EC\\x22,", "\\x22crv\\x22:\\x22P-256\\x22,",
			"\\x22crv\\x22:\\x22P-384\\x22,", "\\x22x\\x22:\\x22", "\\x22y\\x22:\\x22", "\\x22d\\x22:\\x22",
			"\\x22kty\\x22:\\x22RSA\\x22", "null", "}" })
	void fromJwk(String text) {
		statistics.count();
		if (text == null) {
			// Jazzer tries null too
			return;
		}
		DpopKey key;
		try {
			key = DpopKey.fromJwk(text);
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex.getMessage()).startsWith("Not a private EC P-256 JWK: ");
			assertThat(ex.getCause()).isNull();
			if (text.length() > 8) {
				assertThat(ex.getMessage()).doesNotContain(text);
			}
			return;
		}
		DpopKey again = DpopKey.fromJwk(key.toJwk());
		assertThat(again.thumbprint()).isEqualTo(key.thumbprint());
		assertThat(key.toString()).doesNotContain(key.toJwk());
	}

}
