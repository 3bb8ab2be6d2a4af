package io.github.pkce;

import java.net.URI;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What the user needs to approve a device sign-in (RFC 8628 section 3.3): the page to
 * open on any device and the code to enter there. Immutable. {@link #toString()} shows
 * neither the code nor the page that carries it.
 *
 * @param verificationUri the page where the user enters the code
 * ({@code verification_uri})
 * @param userCode the code the user enters or checks ({@code user_code})
 * @param verificationUriComplete the page with the code already filled in
 * ({@code verification_uri_complete}), or {@code null} when the server sends none
 * @param expiresAt when the code expires
 * @author pkce-spring-boot
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8628#section-3.3">RFC 8628 section
 * 3.3</a>
 */
public record DeviceVerification(URI verificationUri, String userCode, @Nullable URI verificationUriComplete,
		Instant expiresAt) {

	/**
	 * Checks the values.
	 * @param verificationUri the page where the user enters the code
	 * @param userCode the code
	 * @param verificationUriComplete the page with the code filled in, or {@code null}
	 * @param expiresAt when the code expires
	 */
	public DeviceVerification {
		Assert.notNull(verificationUri, "verificationUri cannot be null");
		Assert.hasText(userCode, "userCode cannot be empty");
		Assert.notNull(expiresAt, "expiresAt cannot be null");
	}

	/**
	 * Returns the page to show the user: the one with the code filled in when the server
	 * sent it, else the code-entry page.
	 * @return the page to open
	 */
	public URI uriToOpen() {
		return (this.verificationUriComplete != null) ? this.verificationUriComplete : this.verificationUri;
	}

	@Override
	public String toString() {
		// whoever holds the user code can tie an approval to this device: keep it out of
		// logs
		return "DeviceVerification[verificationUri=" + this.verificationUri + ", userCode=[PROTECTED], expiresAt="
				+ this.expiresAt + "]";
	}

}
