package io.github.pkce;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The tokens of one signed-in user: access token, refresh token, ID token, expiry, scopes
 * and token type. Immutable. {@link #toString()} never shows a token.
 *
 * @param accessToken the access token (RFC 6749 section 1.4)
 * @param tokenType the token type, usually {@code Bearer}
 * @param expiresAt when the access token expires, or {@code null} when the server did not
 * say
 * @param refreshToken the refresh token, or {@code null} when the server issued none
 * @param idToken the OpenID Connect ID token, or {@code null}
 * @param scopes the scopes granted (RFC 6749 section 3.3)
 * @author pkce-spring-boot
 */
public record Credentials(String accessToken, String tokenType, @Nullable Instant expiresAt,
		@Nullable String refreshToken, @Nullable String idToken, Set<String> scopes) {

	/**
	 * Checks the values.
	 * @param accessToken the access token
	 * @param tokenType the token type
	 * @param expiresAt the expiry
	 * @param refreshToken the refresh token
	 * @param idToken the ID token
	 * @param scopes the scopes
	 */
	public Credentials {
		Assert.hasText(accessToken, "accessToken cannot be empty");
		Assert.hasText(tokenType, "tokenType cannot be empty");
		Assert.notNull(scopes, "scopes cannot be null");
		scopes = Set.copyOf(scopes);
	}

	/**
	 * Whether the access token is still usable at {@code now} with a margin of
	 * {@code clockSkew}: a token without an expiry is taken as valid.
	 * @param now the current time
	 * @param clockSkew how long before the expiry a token stops being used
	 * @return whether the access token can be sent
	 */
	public boolean isValidAt(Instant now, Duration clockSkew) {
		return this.expiresAt == null || now.plus(clockSkew).isBefore(this.expiresAt);
	}

	/**
	 * Whether a refresh token is present.
	 * @return whether these credentials can be refreshed
	 */
	public boolean isRefreshable() {
		return this.refreshToken != null;
	}

	/**
	 * Returns a copy without the refresh token, for when the server has refused it.
	 * @return the credentials without a refresh token
	 */
	public Credentials withoutRefreshToken() {
		return new Credentials(this.accessToken, this.tokenType, this.expiresAt, null, this.idToken, this.scopes);
	}

	@Override
	public String toString() {
		return "Credentials[tokenType=" + this.tokenType + ", expiresAt=" + this.expiresAt + ", scopes=" + this.scopes
				+ ", refreshToken=" + ((this.refreshToken != null) ? "[PROTECTED]" : "none") + ", idToken="
				+ ((this.idToken != null) ? "[PROTECTED]" : "none") + ", accessToken=[PROTECTED]]";
	}

}
