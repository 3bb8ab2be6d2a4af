package io.github.pkce.test.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * Settings of one embedded authorization server, collected by
 * {@link io.github.pkce.test.EmbeddedAuthorizationServer.Builder}.
 *
 * @param port the port to listen on, {@code 0} for an ephemeral one
 * @param clientId the client id of the registered public client
 * @param users user names mapped to their passwords
 * @param scopes the scopes the client may request
 * @param accessTokenTimeToLive how long an access token is valid
 * @param refreshTokenTimeToLive how long a refresh token is valid
 * @param rotateRefreshTokens whether each refresh issues a new refresh token and
 * invalidates the old one
 * @param requireConsent whether the user must approve the requested scopes on a consent
 * page
 * @param deviceGrant whether the device authorization grant (RFC 8628) is enabled
 * @param pushedAuthorizationRequests whether the pushed authorization request endpoint
 * (RFC 9126) is enabled; always {@code true} when
 * {@code requirePushedAuthorizationRequests} is
 * @param requirePushedAuthorizationRequests whether an authorization request must come
 * through the pushed authorization request endpoint
 * @param pushedAuthorizationRequestLifetime how long a {@code request_uri} is valid
 * @param dpop whether access tokens are bound to the key of a DPoP proof sent with the
 * token request (RFC 9449)
 * @author pkce-spring-boot
 */
public record EmbeddedServerOptions(int port, String clientId, Map<String, String> users, List<String> scopes,
		Duration accessTokenTimeToLive, Duration refreshTokenTimeToLive, boolean rotateRefreshTokens,
		boolean requireConsent, boolean deviceGrant, boolean pushedAuthorizationRequests,
		boolean requirePushedAuthorizationRequests, Duration pushedAuthorizationRequestLifetime, boolean dpop) {

	/**
	 * Checks and copies the settings.
	 * @param port the port to listen on, {@code 0} for an ephemeral one
	 * @param clientId the client id of the registered public client
	 * @param users user names mapped to their passwords
	 * @param scopes the scopes the client may request
	 * @param accessTokenTimeToLive how long an access token is valid
	 * @param refreshTokenTimeToLive how long a refresh token is valid
	 * @param rotateRefreshTokens whether each refresh issues a new refresh token
	 * @param requireConsent whether the user must approve the requested scopes
	 * @param deviceGrant whether the device authorization grant is enabled
	 * @param pushedAuthorizationRequests whether the pushed authorization request
	 * endpoint is enabled
	 * @param requirePushedAuthorizationRequests whether authorization requests must be
	 * pushed; implies {@code pushedAuthorizationRequests}
	 * @param pushedAuthorizationRequestLifetime how long a {@code request_uri} is valid
	 * @param dpop whether access tokens are bound to the key of a DPoP proof
	 */
	public EmbeddedServerOptions {
		Assert.isTrue(port >= 0 && port <= 65535, "port must be between 0 and 65535");
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.notEmpty(users, "users cannot be empty");
		Assert.notEmpty(scopes, "scopes cannot be empty");
		Assert.isTrue(!accessTokenTimeToLive.isNegative() && !accessTokenTimeToLive.isZero(),
				"accessTokenTimeToLive must be positive");
		Assert.isTrue(!refreshTokenTimeToLive.isNegative() && !refreshTokenTimeToLive.isZero(),
				"refreshTokenTimeToLive must be positive");
		Assert.isTrue(pushedAuthorizationRequestLifetime.toSeconds() > 0,
				"pushedAuthorizationRequestLifetime must be at least one second");
		users = Map.copyOf(users);
		scopes = List.copyOf(scopes);
		pushedAuthorizationRequests = pushedAuthorizationRequests || requirePushedAuthorizationRequests;
	}

	@Override
	public String toString() {
		// Passwords stay out of logs and assertion messages.
		return "EmbeddedServerOptions[port=" + this.port + ", clientId=" + this.clientId + ", users="
				+ this.users.keySet() + ", scopes=" + this.scopes + ", accessTokenTimeToLive="
				+ this.accessTokenTimeToLive + ", refreshTokenTimeToLive=" + this.refreshTokenTimeToLive
				+ ", rotateRefreshTokens=" + this.rotateRefreshTokens + ", requireConsent=" + this.requireConsent
				+ ", deviceGrant=" + this.deviceGrant + ", pushedAuthorizationRequests="
				+ this.pushedAuthorizationRequests + ", requirePushedAuthorizationRequests="
				+ this.requirePushedAuthorizationRequests + ", pushedAuthorizationRequestLifetime="
				+ this.pushedAuthorizationRequestLifetime + ", dpop=" + this.dpop + "]";
	}

}
