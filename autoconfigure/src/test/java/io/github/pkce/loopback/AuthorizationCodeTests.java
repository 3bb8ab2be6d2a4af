package io.github.pkce.loopback;

import io.github.pkce.PkceErrorCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link AuthorizationCode}.
 */
class AuthorizationCodeTests {

	@Test
	void codeResponseIsNotAnError() {
		AuthorizationCode response = AuthorizationCode.ofCode("the-code", "the-state", "https://idp.example.com");
		assertThat(response.isError()).isFalse();
		assertThat(response.code()).isEqualTo("the-code");
		assertThat(response.state()).isEqualTo("the-state");
		assertThat(response.issuer()).isEqualTo("https://idp.example.com");
		assertThat(response.error()).isNull();
	}

	@Test
	void errorResponseIsAnError() {
		AuthorizationCode response = AuthorizationCode.ofError("the-state", null, "access_denied", "No.",
				"https://idp.example.com/e");
		assertThat(response.isError()).isTrue();
		assertThat(response.code()).isNull();
		assertThat(response.error()).isEqualTo("access_denied");
		assertThat(response.errorDescription()).isEqualTo("No.");
		assertThat(response.errorUri()).isEqualTo("https://idp.example.com/e");
	}

	@Test
	void toStringHidesTheCodeAndTheState() {
		AuthorizationCode response = AuthorizationCode.ofCode("secret-code-123", "secret-state-456",
				"https://idp.example.com");
		assertThat(response.toString()).doesNotContain("secret-code-123")
			.doesNotContain("secret-state-456")
			.contains("code=[PROTECTED]")
			.contains("state=[PROTECTED]")
			.contains("issuer=https://idp.example.com");
	}

	@Test
	void toStringOfAnErrorShowsTheErrorAndNoCode() {
		AuthorizationCode response = AuthorizationCode.ofError("secret-state-456", null,
				PkceErrorCodes.INVALID_RESPONSE, "The authorization response has no code.", null);
		assertThat(response.toString()).doesNotContain("secret-state-456")
			.contains("code=null")
			.contains("error=" + PkceErrorCodes.INVALID_RESPONSE)
			.contains("The authorization response has no code.");
	}

	@Test
	void exactlyOneOfCodeAndErrorIsRequired() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthorizationCode("code", "state", null, "access_denied", null, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthorizationCode(null, "state", null, null, null, null));
	}

}
