package io.github.pkce.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import io.github.pkce.Credentials;
import io.github.pkce.PkceException;
import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CredentialsCodec}.
 *
 * @author pkce-spring-boot
 */
class CredentialsCodecTests {

	@Test
	void everyPartSurvivesARoundTrip() throws Exception {
		Credentials credentials = TestCredentials.first();
		assertThat(CredentialsCodec.decode(CredentialsCodec.encode(credentials))).isEqualTo(credentials);
	}

	@Test
	void absentPartsSurviveARoundTrip() throws Exception {
		Credentials credentials = TestCredentials.minimal();
		assertThat(CredentialsCodec.decode(CredentialsCodec.encode(credentials))).isEqualTo(credentials);
	}

	@Test
	void dpopKeySurvivesARoundTripAsAPrivateJwk() throws Exception {
		Credentials credentials = TestCredentials.dpopBound();
		String encoded = CredentialsCodec.encode(credentials);
		assertThat(encoded).contains("\"dpopKey\":{").contains("\"kty\":\"EC\"").contains("\"d\":");
		Credentials decoded = CredentialsCodec.decode(encoded);
		assertThat(decoded).isEqualTo(credentials);
		assertThat(decoded.dpopKey().thumbprint()).isEqualTo(TestCredentials.DPOP_KEY.thumbprint());
	}

	@Test
	void damagedDpopKeyMakesTheCredentialsUnreadable() {
		String encoded = CredentialsCodec.encode(TestCredentials.dpopBound());
		// without its key a bound refresh token is useless: the user must sign in again
		assertUnreadable(encoded.replace("\"d\":", "\"z\":"), "dpopKey is not a private EC P-256 key");
		assertUnreadable(encoded.replaceFirst("\"dpopKey\":\\{[^}]*\\}", "\"dpopKey\":\"SECRET\""),
				"dpopKey is not a JSON object");
	}

	@Test
	void encodingIsVersionedJson() {
		assertThat(CredentialsCodec.encode(TestCredentials.first())).startsWith("{\"version\":1,")
			.contains("\"expiresAt\":\"2030-01-02T03:04:05.123456789Z\"")
			.contains("\"scopes\":[\"openid\",\"profile\"]");
	}

	@Test
	void encodingIsAsciiOnly() throws Exception {
		Credentials credentials = new Credentials("token", "Bearer", null, null, null, Set.of("lecture:é", "🔑"));
		String encoded = CredentialsCodec.encode(credentials);
		assertThat(encoded).matches("\\p{ASCII}*");
		assertThat(CredentialsCodec.decode(encoded)).isEqualTo(credentials);
	}

	@Test
	void unknownMembersAreIgnored() throws Exception {
		Credentials credentials = CredentialsCodec
			.decode("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"a\",\"later\":{\"x\":1}}");
		assertThat(credentials).isEqualTo(new Credentials("a", "Bearer", null, null, null, Set.of()));
	}

	@Test
	void anotherVersionIsUnreadable() {
		assertUnreadable("{\"version\":2,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\"}",
				"format version 2 is not supported");
	}

	@Test
	void missingVersionIsUnreadable() {
		assertUnreadable("{\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\"}", "no format version");
	}

	@Test
	void garbageIsUnreadable() {
		assertUnreadable("SECRET garbage", "not valid JSON");
		assertUnreadable("[\"SECRET\"]", "not a JSON object");
		assertUnreadable("", "empty");
	}

	@Test
	void truncatedBlobIsUnreadable() {
		String encoded = CredentialsCodec.encode(TestCredentials.first());
		for (int length = 1; length < encoded.length(); length += 7) {
			assertUnreadable(encoded.substring(0, length), "");
		}
	}

	@Test
	void trailingContentIsUnreadable() {
		assertUnreadable(CredentialsCodec.encode(TestCredentials.first()) + "{}", "not valid JSON");
	}

	@Test
	void duplicateMemberIsUnreadable() {
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"accessToken\":\"x\"}",
				"not valid JSON");
	}

	@Test
	void wrongTypesAreUnreadable() {
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":7}", "accessToken is not a string");
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\" \"}", "accessToken is missing");
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"scopes\":\"a\"}",
				"scopes are not an array");
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\",\"expiresAt\":\"soon\"}",
				"expiresAt is not an ISO-8601 instant");
	}

	@Test
	void oversizedBlobIsUnreadable() {
		String padding = "x".repeat(CredentialsCodec.MAX_SIZE);
		assertUnreadable("{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET" + padding + "\"}",
				"larger than 64 KiB");
		assertThatExceptionOfType(UnreadableCredentialsException.class)
			.isThrownBy(() -> CredentialsCodec.decode(new byte[CredentialsCodec.MAX_SIZE + 1]))
			.withMessageContaining("larger than 64 KiB");
	}

	@Test
	void invalidUtf8IsUnreadable() {
		byte[] bytes = "{\"version\":1,\"tokenType\":\"Bearer\",\"accessToken\":\"SECRET\u00e9\"}"
			.getBytes(StandardCharsets.ISO_8859_1);
		assertThatExceptionOfType(UnreadableCredentialsException.class).isThrownBy(() -> CredentialsCodec.decode(bytes))
			.withMessageNotContaining(TestCredentials.SECRET_MARK);
	}

	@Test
	void credentialsTooLargeAreNotEncoded() {
		Credentials credentials = new Credentials("a".repeat(CredentialsCodec.MAX_SIZE), "Bearer",
				Instant.parse("2030-01-01T00:00:00Z"), null, null, Set.of());
		assertThatExceptionOfType(PkceException.class).isThrownBy(() -> CredentialsCodec.encode(credentials))
			.withMessageContaining("too large");
	}

	private static void assertUnreadable(String text, String reason) {
		assertThatExceptionOfType(UnreadableCredentialsException.class).isThrownBy(() -> CredentialsCodec.decode(text))
			.withMessageContaining(reason)
			.withMessageNotContaining(TestCredentials.SECRET_MARK);
	}

}
