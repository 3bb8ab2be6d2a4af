package io.github.pkce.loopback;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.HtmlUtils;

/**
 * The HTML pages the loopback callback server shows in the browser once the authorization
 * server has redirected there: a success page and a failure page.
 * <p>
 * The failure page may contain the placeholders {@code {error}} and
 * {@code {error_description}}; they are replaced with HTML-escaped values, because the
 * error comes from the query string of a request anyone on this machine can send. Pages
 * never show the authorization code or the {@code state}.
 * <p>
 * Instances are immutable and thread-safe; the {@code with...} methods return a copy.
 *
 * @author pkce-spring-boot
 */
public final class EndpointMetadata {

	private static final String DEFAULT_SUCCESS_PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head><meta charset="utf-8"><title>Signed in</title></head>
			<body><p>Signed in. You can close this tab and return to the terminal.</p></body>
			</html>
			""";

	private static final String DEFAULT_FAILURE_PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head><meta charset="utf-8"><title>Sign-in failed</title></head>
			<body>
			<p>Sign-in failed: {error}</p>
			<p>{error_description}</p>
			<p>You can close this tab and return to the terminal.</p>
			</body>
			</html>
			""";

	private static final EndpointMetadata DEFAULTS = new EndpointMetadata(DEFAULT_SUCCESS_PAGE, DEFAULT_FAILURE_PAGE);

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{(error|error_description)\\}");

	private final String successPage;

	private final String failurePage;

	private EndpointMetadata(String successPage, String failurePage) {
		this.successPage = successPage;
		this.failurePage = failurePage;
	}

	/**
	 * Returns the default pages: short, plain HTML that tells the user to return to the
	 * terminal.
	 * @return the default pages
	 */
	public static EndpointMetadata defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy with another success page.
	 * @param html the complete HTML document shown after a successful sign-in, used as
	 * given
	 * @return the new pages
	 */
	public EndpointMetadata withSuccessPage(String html) {
		Objects.requireNonNull(html, "html cannot be null");
		return new EndpointMetadata(html, this.failurePage);
	}

	/**
	 * Returns a copy with another failure page.
	 * @param html the complete HTML document shown when the sign-in failed, which may
	 * contain the placeholders {@code {error}} and {@code {error_description}}
	 * @return the new pages
	 */
	public EndpointMetadata withFailurePage(String html) {
		Objects.requireNonNull(html, "html cannot be null");
		return new EndpointMetadata(this.successPage, html);
	}

	/**
	 * Returns the success page.
	 * @return the HTML of the success page
	 */
	public String successPage() {
		return this.successPage;
	}

	/**
	 * Returns the failure page for an error. The placeholders are replaced in a single
	 * pass, so a value that itself looks like a placeholder is shown literally.
	 * @param error the OAuth error code or one of the library's error codes
	 * @param description the error description, or {@code null} for none
	 * @return the HTML of the failure page, with the values HTML-escaped
	 */
	public String failurePage(String error, @Nullable String description) {
		Objects.requireNonNull(error, "error cannot be null");
		Matcher matcher = PLACEHOLDER.matcher(this.failurePage);
		return matcher.replaceAll((match) -> {
			String value = "error".equals(match.group(1)) ? error : ((description != null) ? description : "");
			// the pages are UTF-8: only the markup characters & < > " ' are escaped
			return Matcher.quoteReplacement(HtmlUtils.htmlEscape(value, "UTF-8"));
		});
	}

}
