package io.github.pkce.loopback;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EndpointMetadata}.
 */
class EndpointMetadataTests {

	@Test
	void defaultPagesArePlainAndFriendly() {
		EndpointMetadata pages = EndpointMetadata.defaults();
		assertThat(pages.successPage()).contains("Signed in. You can close this tab and return to the terminal.");
		assertThat(pages.failurePage("access_denied", "The user said no.")).contains("Sign-in failed: access_denied")
			.contains("The user said no.");
	}

	@Test
	void failurePageWithoutDescriptionLeavesThePlaceholderEmpty() {
		assertThat(EndpointMetadata.defaults().failurePage("access_denied", null)).doesNotContain("{error_description}")
			.doesNotContain("null");
	}

	@Test
	void customPagesAreUsed() {
		EndpointMetadata pages = EndpointMetadata.defaults()
			.withSuccessPage("<p>Welcome aboard</p>")
			.withFailurePage("<p>{error}: {error_description} ({error})</p>");
		assertThat(pages.successPage()).isEqualTo("<p>Welcome aboard</p>");
		assertThat(pages.failurePage("server_error", "Try later"))
			.isEqualTo("<p>server_error: Try later (server_error)</p>");
	}

	@Test
	void withMethodsLeaveTheOriginalUnchanged() {
		EndpointMetadata defaults = EndpointMetadata.defaults();
		String success = defaults.successPage();
		EndpointMetadata custom = defaults.withSuccessPage("<p>ok</p>").withFailurePage("<p>{error}</p>");
		assertThat(custom).isNotSameAs(defaults);
		assertThat(defaults.successPage()).isEqualTo(success);
		assertThat(defaults.failurePage("e", null)).contains("Sign-in failed: e");
	}

	@Test
	void placeholderValuesAreHtmlEscaped() {
		EndpointMetadata pages = EndpointMetadata.defaults()
			.withFailurePage("<p title=\"{error}\">{error_description}</p>");
		assertThat(pages.failurePage("\"><img src=x>", "<script>alert('x')</script> & more")).isEqualTo(
				"<p title=\"&quot;&gt;&lt;img src=x&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</p>");
	}

	@Test
	void substitutedValuesAreNotExpandedAgain() {
		EndpointMetadata pages = EndpointMetadata.defaults().withFailurePage("{error}|{error_description}");
		assertThat(pages.failurePage("{error_description}", "$1 \\ {error}"))
			.isEqualTo("{error_description}|$1 \\ {error}");
	}

}
