package io.github.pkce;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.github.pkce.dpop.DpopKey;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The tokens of one signed-in user: access token, refresh token, ID token, expiry, scopes
 * and token type, and the DPoP key the tokens are bound to (RFC 9449). Immutable.
 * {@link #toString()} never shows a token or the key.
 *
 * @param accessToken the access token (RFC 6749 section 1.4)
 * @param tokenType the token type: {@code Bearer}, or {@code DPoP} for an access token
 * bound to {@code dpopKey}
 * @param expiresAt when the access token expires, or {@code null} when the server did not
 * say
 * @param refreshToken the refresh token, or {@code null} when the server issued none
 * @param idToken the OpenID Connect ID token, or {@code null}
 * @param scopes the scopes granted (RFC 6749 section 3.3)
 * @param dpopKey the key the tokens were requested with (RFC 9449), sent as a proof with
 * every refresh and, for a {@code DPoP} access token, every request; {@code null} for
 * plain bearer tokens
 * @author pkce-spring-boot
 */
public record Credentials(String accessToken, String tokenType, @Nullable Instant expiresAt,
		@Nullable String refreshToken, @Nullable String idToken, Set<String> scopes, @Nullable DpopKey dpopKey) {

	/** The token type of an access token bound to a DPoP key (RFC 9449 section 5). */
	public static final String DPOP = "DPoP";

	/**
	 * Creates bearer credentials, bound to no key.
	 * @param accessToken the access token
	 * @param tokenType the token type
	 * @param expiresAt the expiry
	 * @param refreshToken the refresh token
	 * @param idToken the ID token
	 * @param scopes the scopes
	 */
	public Credentials(String accessToken, String tokenType, @Nullable Instant expiresAt, @Nullable String refreshToken,
			@Nullable String idToken, Set<String> scopes) {
		this(accessToken, tokenType, expiresAt, refreshToken, idToken, scopes, null);
	}

	/**
	 * Checks the values.
	 * @param accessToken the access token
	 * @param tokenType the token type
	 * @param expiresAt the expiry
	 * @param refreshToken the refresh token
	 * @param idToken the ID token
	 * @param scopes the scopes
	 * @param dpopKey the DPoP key, or {@code null}
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
	 * Whether the access token is bound to {@link #dpopKey()}: its type is {@code DPoP}
	 * and the key is present. Such a token is sent as {@code Authorization: DPoP} with a
	 * proof; a server may also answer a request made with a proof with a plain
	 * {@code Bearer} token.
	 * @return whether requests must carry a DPoP proof
	 */
	public boolean isDpopBound() {
		return this.dpopKey != null && DPOP.equalsIgnoreCase(this.tokenType);
	}

	/**
	 * Returns a copy without the refresh token, for when the server has refused it.
	 * @return the credentials without a refresh token
	 */
	public Credentials withoutRefreshToken() {
		return new Credentials(this.accessToken, this.tokenType, this.expiresAt, null, this.idToken, this.scopes,
				this.dpopKey);
	}

	@Override
	public String toString() {
		return "Credentials[tokenType=" + this.tokenType + ", expiresAt=" + this.expiresAt + ", scopes=" + this.scopes
				+ ", refreshToken=" + ((this.refreshToken != null) ? "[PROTECTED]" : "none") + ", idToken="
				+ ((this.idToken != null) ? "[PROTECTED]" : "none") + ", accessToken=[PROTECTED]"
				+ ((this.dpopKey != null) ? ", dpopKey=[PROTECTED]" : "") + "]";
	}

}
