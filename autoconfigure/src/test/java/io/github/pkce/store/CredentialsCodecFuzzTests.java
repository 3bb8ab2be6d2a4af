package io.github.pkce.store;

import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.Credentials;
import io.github.pkce.FuzzStatistics;
import io.github.pkce.PkceException;
import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test for {@link CredentialsCodec}: any stored blob decodes to credentials or is
 * refused with a reason that never quotes it, and what decodes survives a round trip.
 *
 * @author pkce-spring-boot
 */
class CredentialsCodecFuzzTests {

	/** Every reason the codec gives: none can carry a piece of the blob. */
	private static final Pattern REASONS = Pattern.compile("it is empty|it is not valid JSON \\(truncated or damaged\\)"
			+ "|it is not a JSON object|it has no format version"
			+ "|its format version -?\\d+ is not supported \\(this release reads version 1\\)"
			+ "|its (accessToken|tokenType) is missing|its \\w+ is not a string"
			+ "|its expiresAt is not an ISO-8601 instant|its scopes are not an array|its scopes are not all strings"
			+ "|it is larger than 64 KiB|its dpopKey is not a JSON object|its dpopKey is not a private EC P-256 key");

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	@FuzzTest
	// libFuzzer dictionary syntax: \xNN for a line break or a quote
	@DictionaryEntries({ "{\\x22version\\x22:1,", "\\x22tokenType\\x22:\\x22Bearer\\x22", "\\x22accessToken\\x22:",
			"\\x22refreshToken\\x22:", "\\x22idToken\\x22:", "\\x22expiresAt\\x22:\\x222030-01-01T00:00:00Z\\x22",
			"\\x22scopes\\x22:[", "\\x22dpopKey\\x22:{\\x22kty\\x22:\\x22EC\\x22,\\x22crv\\x22:\\x22P-256\\x22,",
			"null", "\\\\u0000", "}" })
	void decode(byte[] blob) {
		statistics.count();
		Credentials credentials;
		try {
			credentials = CredentialsCodec.decode(blob);
		}
		catch (UnreadableCredentialsException ex) {
			assertThat(ex.getMessage()).matches(REASONS);
			return;
		}
		String encoded;
		try {
			encoded = CredentialsCodec.encode(credentials);
		}
		catch (PkceException ex) {
			// Non-ASCII text grows when escaped: refused on the way out, never
			// half-written.
			assertThat(ex.getMessage()).contains("too large");
			return;
		}
		try {
			assertThat(CredentialsCodec.decode(encoded)).isEqualTo(credentials);
		}
		catch (UnreadableCredentialsException ex) {
			throw new AssertionError("What was read could not be read back: " + ex.getMessage(), ex);
		}
	}

}
