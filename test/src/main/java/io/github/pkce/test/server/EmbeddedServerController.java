package io.github.pkce.test.server;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The few pages the embedded server adds to Spring Authorization Server: a protected
 * resource for demos, the code-entry page of the device grant and the page a browser
 * lands on after approving a device.
 *
 * @author pkce-spring-boot
 */
@RestController
final class EmbeddedServerController {

	static final String DEVICE_ENTRY_PATH = "/activate";

	private static final String DEVICE_VERIFICATION_PATH = "/oauth2/device_verification";

	/**
	 * A resource protected by our own access tokens.
	 * @param jwt the validated access token
	 * @return the subject and the granted scopes
	 */
	@GetMapping("/api/me")
	Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
		List<String> scopes = jwt.getClaimAsStringList(OAuth2ParameterNames.SCOPE);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("sub", jwt.getSubject());
		body.put("scope", (scopes != null) ? String.join(" ", scopes) : "");
		return body;
	}

	/**
	 * Where the device verification endpoint sends the browser: {@code /?success} after
	 * approval.
	 * @param success present after an approval
	 * @return a short HTML page
	 */
	@GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
	String home(@RequestParam(name = "success", required = false) @Nullable String success) {
		String message = (success != null) ? "Device approved. You may close this window and return to your device."
				: "Embedded authorization server.";
		return page("<p id=\"message\">" + message + "</p>");
	}

	/**
	 * The {@code verification_uri} of the device grant (RFC 8628 section 3.3): a form for
	 * the user code, or, given the code ({@code verification_uri_complete}), straight on
	 * to the server's verification endpoint.
	 * @param userCode the user code, if the link carried it
	 * @return the form, or a redirect to the verification endpoint
	 */
	@GetMapping(path = DEVICE_ENTRY_PATH, produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> activate(
			@RequestParam(name = OAuth2ParameterNames.USER_CODE, required = false) @Nullable String userCode) {
		if (userCode != null && !userCode.isBlank()) {
			URI verification = UriComponentsBuilder.fromPath(DEVICE_VERIFICATION_PATH)
				.queryParam(OAuth2ParameterNames.USER_CODE, userCode)
				.encode()
				.build()
				.toUri();
			return ResponseEntity.status(302).location(verification).build();
		}
		return ResponseEntity.ok(page("<h1>Activate a device</h1><form name=\"device_form\" method=\"get\" action=\""
				+ DEVICE_VERIFICATION_PATH + "\"><label for=\"user_code\">Code shown on your device</label> "
				+ "<input type=\"text\" id=\"user_code\" name=\"user_code\" autofocus> "
				+ "<button type=\"submit\" id=\"submit-code\">Continue</button></form>"));
	}

	private static String page(String body) {
		return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization server</title>"
				+ "</head><body>" + body + "</body></html>";
	}

}
