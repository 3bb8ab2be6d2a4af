package io.github.pkce.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CredentialKeys}.
 *
 * @author pkce-spring-boot
 */
class CredentialKeysTests {

	private static final String KEY = CredentialKeys.of("https://login.example.com/realms/dev", "my-cli",
			"https://api.example.com");

	@Test
	void keyIsReadableAndSafe() {
		assertThat(KEY).matches("login\\.example\\.com-my-cli-[0-9a-f]{16}");
		assertThat(FileCredentialStore.fileName(KEY)).isEqualTo("credentials-" + KEY + ".json");
	}

	@Test
	void keyNeverChanges() {
		// a different key would sign every user out: change these values only with a
		// migration (computed independently from the documented algorithm)
		assertThat(KEY).isEqualTo("login.example.com-my-cli-dec297d82e557df2");
		assertThat(CredentialKeys.of("https://a.example", "c", null)).isEqualTo("a.example-c-be6c02a72c61476e");
	}

	@Test
	void everyPartCounts() {
		assertThat(CredentialKeys.of("https://login.example.com/realms/prod", "my-cli", "https://api.example.com"))
			.isNotEqualTo(KEY);
		assertThat(CredentialKeys.of("https://login.example.com/realms/dev", "my-cli2", "https://api.example.com"))
			.isNotEqualTo(KEY);
		assertThat(CredentialKeys.of("https://login.example.com/realms/dev", "My-CLI", "https://api.example.com"))
			.isNotEqualTo(KEY);
		assertThat(CredentialKeys.of("https://login.example.com/realms/dev", "my-cli", "https://api2.example.com"))
			.isNotEqualTo(KEY);
		assertThat(CredentialKeys.of("https://login.example.com/realms/dev", "my-cli", null)).isNotEqualTo(KEY);
	}

	@Test
	void partsCannotBeShiftedIntoEachOther() {
		assertThat(CredentialKeys.of("https://a.example", "b:c", null))
			.isNotEqualTo(CredentialKeys.of("https://a.example", "b", "c"));
	}

	@Test
	void spellingsOfTheSameServerGiveTheSameKey() {
		assertThat(CredentialKeys.of("HTTPS://Login.Example.com/realms/dev/", "my-cli", "https://API.example.com/"))
			.isEqualTo(KEY);
		assertThat(CredentialKeys.of("https://a.example", "c", ""))
			.isEqualTo(CredentialKeys.of("https://a.example", "c", null));
	}

	@Test
	void pathsAreComparedExactly() {
		assertThat(CredentialKeys.of("https://login.example.com/REALMS/dev", "my-cli", "https://api.example.com"))
			.isNotEqualTo(KEY);
	}

	@Test
	void unusualValuesStaySafe() {
		String key = CredentialKeys.of("not a uri", "client/with spaces\u00e9".repeat(10), null);
		assertThat(key).matches("[a-z0-9._-]{1,118}");
		assertThat(key.length()).isLessThanOrEqualTo(118);
		assertThat(CredentialKeys.of("https://" + "h".repeat(300) + ".example", "c".repeat(300), null))
			.hasSizeLessThanOrEqualTo(118);
	}

	@Test
	void issuerAndClientIdAreRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialKeys.of("", "c", null));
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialKeys.of("https://a.example", " ", null));
	}

}
