package io.github.pkce.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.FuzzStatistics;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test for the callback handling of {@link OAuthCallbackHandler}: for any method,
 * path, {@code Host} and query, the answer is one of the expected statuses, the login
 * completes only with the expected {@code state}, and no page carries markup that came
 * from the request (everything shown is HTML-escaped, in element content and in attribute
 * values alike).
 */
class OAuthCallbackHandlerFuzzTests {

	private static final String STATE = "fuzz-state-7c1e";

	private static final String AUTHORITY = "127.0.0.1:8400";

	/** Placeholders in an attribute and in element content. */
	private static final String FAILURE_TEMPLATE = "<p title=\"{error}\">{error_description}</p>";

	private static final EndpointMetadata PAGES = EndpointMetadata.defaults().withFailurePage(FAILURE_TEMPLATE);

	private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "OPTIONS", "PUT");

	private static final List<String> PATHS = List.of("/callback", "/callback/done", "/", "/favicon.ico");

	private static final Set<Integer> STATUSES = Set.of(200, 303, 400, 404, 405, 421);

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	@FuzzTest
	// libFuzzer dictionary syntax: \xNN for a line break or a quote
	@DictionaryEntries({ "code=", "state=", "state=" + STATE, "iss=", "error=", "error_description=", "error_uri=", "&",
			"%", "+", "\\x22", "'", "<", ">" })
	void callbackQuery(FuzzedDataProvider data) throws IOException {
		statistics.count();
		OAuthCallbackHandler handler = new OAuthCallbackHandler("/callback", Set.of(AUTHORITY), STATE, PAGES);
		int requests = data.consumeInt(1, 3);
		for (int i = 0; i < requests; i++) {
			String method = data.consumeBoolean() ? "GET" : data.pickValue(METHODS);
			String path = data.consumeBoolean() ? "/callback" : data.pickValue(PATHS);
			List<String> hosts = data.consumeBoolean() ? List.of(AUTHORITY)
					: List.of(data.consumeString(30), AUTHORITY).subList(0, data.consumeInt(0, 2));
			String query = data.consumeBoolean() ? null : data.consumeString(500);
			if (query != null && data.consumeBoolean()) {
				// A head start past the state check, to reach what follows it.
				query = "state=" + STATE + "&" + query;
			}
			RequestHead request = new RequestHead(method, path, query, null, hosts);
			LoopbackResponse response = handler.handle(request);
			assertThat(response.status()).isIn(STATUSES);
			String page = new String(response.body(), StandardCharsets.UTF_8);
			assertNoMarkupFromTheRequest(page);
			if (response.status() == 303) {
				assertThat(response.header("Location")).isEqualTo("/callback/done");
				response.writeTo(OutputStream.nullOutputStream());
				assertThat(handler.result()).isCompletedWithValueMatching((code) -> STATE.equals(code.state()));
				LoopbackResponse done = handler
					.handle(new RequestHead("GET", "/callback/done", null, null, List.of(AUTHORITY)));
				assertThat(done.status()).isIn(200, 400);
				assertNoMarkupFromTheRequest(new String(done.body(), StandardCharsets.UTF_8));
			}
			else {
				response.writeTo(OutputStream.nullOutputStream());
			}
		}
		if (handler.result().isDone()) {
			assertThat(handler.result().join().state()).isEqualTo(STATE);
		}
	}

	/**
	 * Every page is one of ours with text filled in: it has exactly the tags and quotes
	 * of its template, so no value broke out of an element or an attribute.
	 */
	private static void assertNoMarkupFromTheRequest(String page) {
		if (page.startsWith("<p title=")) {
			assertThat(page).matches("<p title=\"[^\"<>']*\">[^\"<>']*</p>");
		}
		else {
			assertThat(page.replaceAll("<[^<>]*>", "")).doesNotContain("<", ">", "\"");
		}
	}

}
