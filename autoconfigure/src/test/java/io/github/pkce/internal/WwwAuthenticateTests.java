package io.github.pkce.internal;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WwwAuthenticate}: RFC 9110 section 11.6.1 challenges as OAuth resource
 * servers send them (RFC 6750 section 3, RFC 9449 section 7.1).
 *
 * @author pkce-spring-boot
 */
class WwwAuthenticateTests {

	@Test
	void errorMayBeAQuotedStringOrAToken() {
		assertThat(parse("Bearer error=\"invalid_token\"").hasError("Bearer", "invalid_token")).isTrue();
		assertThat(parse("Bearer error=invalid_token").hasError("Bearer", "invalid_token")).isTrue();
		assertThat(parse("DPoP error = use_dpop_nonce").hasError("DPoP", "use_dpop_nonce")).isTrue();
	}

	@Test
	void errorBelongsToTheChallengeItFollows() {
		WwwAuthenticate challenges = parse("Bearer realm=\"api\", DPoP algs=\"ES256 PS256\", error=\"invalid_token\"");
		assertThat(challenges.hasError("DPoP", "invalid_token")).isTrue();
		assertThat(challenges.hasError("Bearer", "invalid_token")).isFalse();
		challenges = parse("DPoP algs=\"ES256\", Bearer error=invalid_token");
		assertThat(challenges.hasError("Bearer", "invalid_token")).isTrue();
		assertThat(challenges.hasError("DPoP", "invalid_token")).isFalse();
	}

	@Test
	void challengeMayFollowOtherSchemes() {
		assertThat(parse("Basic realm=\"x\", Bearer error=\"invalid_token\"").hasError("Bearer", "invalid_token"))
			.isTrue();
		assertThat(parse("Negotiate YII/Ag==, Bearer error=invalid_token").hasError("Bearer", "invalid_token"))
			.isTrue();
		assertThat(parse("Basic, Bearer realm=\"a, b\", error=\"invalid_token\"").hasError("Bearer", "invalid_token"))
			.isTrue();
	}

	@Test
	void challengesMaySpreadOverSeveralLines() {
		WwwAuthenticate challenges = WwwAuthenticate
			.parse(List.of("Bearer realm=\"api\"", "DPoP error=\"use_dpop_nonce\""));
		assertThat(challenges.offers("Bearer")).isTrue();
		assertThat(challenges.hasError("DPoP", "use_dpop_nonce")).isTrue();
		assertThat(challenges.hasError("Bearer", "use_dpop_nonce")).isFalse();
	}

	@Test
	void errorInsideAQuotedValueIsNoError() {
		WwwAuthenticate challenges = parse(
				"Bearer error_description=\"error=invalid_token, error=\\\"invalid_token\\\"\", realm=\"error=x\"");
		assertThat(challenges.hasError("Bearer", "invalid_token")).isFalse();
		assertThat(challenges.offers("invalid_token")).isFalse();
		assertThat(parse("Bearer error=\"insufficient_scope\", error_description=\"not error=invalid_token\"")
			.hasError("Bearer", "invalid_token")).isFalse();
	}

	@Test
	void schemeAndParameterNamesIgnoreCaseButErrorCodesDoNot() {
		assertThat(parse("bearer ERROR=\"invalid_token\"").hasError("Bearer", "invalid_token")).isTrue();
		assertThat(parse("Bearer error=\"INVALID_TOKEN\"").hasError("Bearer", "invalid_token")).isFalse();
	}

	@Test
	void offersNamesSchemesOnly() {
		WwwAuthenticate challenges = parse("Bearer realm=\"dpop\", error_description=\"use DPoP\"");
		assertThat(challenges.offers("Bearer")).isTrue();
		assertThat(challenges.offers("DPoP")).isFalse();
		assertThat(parse("Basic realm=\"x\", dpop algs=\"ES256\"").offers("DPoP")).isTrue();
	}

	@Test
	void parametersWithoutCommasAreTolerated() {
		assertThat(parse("DPoP algs=\"ES256\" error=\"invalid_token\"").hasError("DPoP", "invalid_token")).isTrue();
	}

	@Test
	void malformedValuesYieldWhatCanBeRead() {
		assertThat(WwwAuthenticate.parse(List.of()).offers("Bearer")).isFalse();
		for (String value : List.of("", ",,, ", "=", "\"", "error=invalid_token", "Bearer error=", "Bearer error=\"",
				"Bearer error=\"invalid_token", "Bearer ;;; error", "Bearer error=\"a\\", "Bearer realm=\"a\"junk")) {
			assertThat(parse(value).hasError("Bearer", "invalid_token")).as(value).isFalse();
		}
		assertThat(parse("Bearer ;;;, error=invalid_token").hasError("Bearer", "invalid_token")).isTrue();
		assertThat(parse("Bearer realm=\"a\"junk, error=invalid_token").hasError("Bearer", "invalid_token")).isTrue();
	}

	private static WwwAuthenticate parse(String value) {
		return WwwAuthenticate.parse(List.of(value));
	}

}
