package io.github.pkce.test;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pkce.test.server.AuthorizationServerApplication;
import io.github.pkce.test.server.EmbeddedServerOptions;
import io.github.pkce.test.server.RequestCounter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.Assert;

/**
 * A real OAuth 2.0 and OpenID Connect authorization server (Spring Authorization Server)
 * running inside the test JVM on the loopback interface, for end-to-end login tests.
 * <p>
 * It registers one public client (client authentication method {@code none}, PKCE
 * required, RFC 7636) with the redirect URIs {@code http://127.0.0.1/callback} and
 * {@code http://[::1]/callback}, which match any port (RFC 8252 section 7.3). The client
 * may use the authorization code, refresh token and device code grants; unlike a stock
 * Spring Authorization Server, this one issues refresh tokens to the public client and
 * accepts it on the refresh grant, on the device authorization endpoint, on token
 * revocation and on the pushed authorization request endpoint. Users sign in through
 * Spring Security's default login page. Access tokens and ID tokens are JWTs signed with
 * an RSA key made for each server; ID tokens carry the request's {@code nonce} and a
 * {@code preferred_username} claim. The device grant refuses the {@code openid} scope
 * ({@code invalid_scope}) and always shows a consent page.
 * <p>
 * Endpoints, relative to {@link #issuer()}: {@code /.well-known/openid-configuration},
 * {@code /.well-known/oauth-authorization-server}, {@code /oauth2/authorize},
 * {@code /oauth2/token}, {@code /oauth2/jwks}, {@code /oauth2/revoke}, {@code /userinfo},
 * {@code /oauth2/device_authorization} and {@code /activate} (the device grant's
 * verification URI), {@code /oauth2/par} when pushed authorization requests are enabled,
 * and {@code /api/me}, a resource that accepts the server's access tokens and answers
 * {@code {"sub": ..., "scope": ...}}.
 * <p>
 * DPoP (RFC 9449) is on unless {@link Builder#dpop(boolean)} turns it off: both discovery
 * documents list {@code dpop_signing_alg_values_supported}, and a token request that
 * carries a valid {@code DPoP} proof gets an access token bound to the proof's key
 * ({@code token_type} {@code DPoP}, claim {@code cnf.jkt}), and its refresh token can
 * only be used with a proof from the same key ({@code invalid_dpop_proof} otherwise, RFC
 * 9449 section 5). {@code /api/me} then accepts the token only as
 * {@code Authorization: DPoP} with a proof from that key covering the token
 * ({@code ath}), and answers 401 to the token sent as a Bearer token. A token request
 * without a proof gets a Bearer token.
 * <p>
 * Pushed authorization requests (RFC 9126) are off unless
 * {@link Builder#pushedAuthorizationRequests(boolean)} or
 * {@link Builder#requirePushedAuthorizationRequests(boolean)} turns them on: the public
 * client pushes with its {@code client_id} alone, both discovery documents name
 * {@code pushed_authorization_request_endpoint}, and the browser then opens the
 * authorization endpoint with {@code client_id} and {@code request_uri}, which works
 * once. When they are required, the documents say
 * {@code require_pushed_authorization_requests}, and an authorization request without a
 * {@code request_uri} gets an error page (HTTP 400, {@code invalid_request}).
 * <p>
 * Each server is its own Spring application context, isolated from the application under
 * test (it reads no configuration file, system property or environment variable) and
 * leaving the logging system as the test configured it; several may run in one JVM. Start
 * one with {@link #builder()}, and {@link #close()} it when done. Instances are
 * thread-safe.
 *
 * <pre class="code">
 * try (EmbeddedAuthorizationServer server = EmbeddedAuthorizationServer.builder().start()) {
 *     URI issuer = server.issuer();
 * }
 * </pre>
 *
 * @author pkce-spring-boot
 */
public final class EmbeddedAuthorizationServer implements AutoCloseable {

	/**
	 * The client id registered unless {@link Builder#clientId(String)} says otherwise.
	 */
	public static final String DEFAULT_CLIENT_ID = "pkce-cli";

	/** The user name of the user registered unless {@link Builder#user} adds others. */
	public static final String DEFAULT_USERNAME = "alice";

	/** The password of {@link #DEFAULT_USERNAME}. */
	public static final String DEFAULT_PASSWORD = "password";

	/** The scopes registered unless {@link Builder#scopes(String...)} says otherwise. */
	public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "offline_access", "api");

	private static final Log logger = LogFactory.getLog(EmbeddedAuthorizationServer.class);

	private final ConfigurableApplicationContext context;

	private final EmbeddedServerOptions options;

	private final URI issuer;

	private final int port;

	private final RequestCounter tokenRequests;

	private final RequestCounter pushedAuthorizationRequests;

	private EmbeddedAuthorizationServer(ConfigurableApplicationContext context, EmbeddedServerOptions options) {
		this.context = context;
		this.options = options;
		this.port = AuthorizationServerApplication.port(context);
		this.issuer = URI.create("http://127.0.0.1:" + this.port);
		this.tokenRequests = AuthorizationServerApplication.tokenRequests(context);
		this.pushedAuthorizationRequests = AuthorizationServerApplication.pushedAuthorizationRequests(context);
	}

	/**
	 * Returns a builder for a server with the default settings: an ephemeral port, client
	 * {@value #DEFAULT_CLIENT_ID}, user {@value #DEFAULT_USERNAME} with password
	 * {@value #DEFAULT_PASSWORD}, the {@link #DEFAULT_SCOPES}, no consent page, 5 minute
	 * access tokens, 1 hour rotating refresh tokens, the device grant and DPoP enabled,
	 * and pushed authorization requests disabled.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the issuer identifier, {@code http://127.0.0.1:PORT}: the same value as the
	 * {@code issuer} of the discovery documents and the {@code iss} of the tokens.
	 * @return the issuer
	 */
	public URI issuer() {
		return this.issuer;
	}

	/**
	 * Returns the client id of the registered public client.
	 * @return the client id
	 */
	public String clientId() {
		return this.options.clientId();
	}

	/**
	 * Returns the port the server listens on.
	 * @return the bound port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the scopes the client may request.
	 * @return the registered scopes
	 */
	public List<String> scopes() {
		return this.options.scopes();
	}

	/**
	 * Returns the URI of the protected resource, {@code /api/me}.
	 * @return the resource URI
	 */
	public URI resourceUri() {
		return this.issuer.resolve("/api/me");
	}

	/**
	 * Returns how many requests reached the token endpoint since the server started: code
	 * exchanges, refreshes and device code polls, whether they succeeded or not.
	 * @return the number of token requests
	 */
	public int tokenRequestCount() {
		return this.tokenRequests.count();
	}

	/**
	 * Returns whether the most recent request to the token endpoint carried a
	 * {@code DPoP} proof header (RFC 9449 section 4), valid or not, even if the server
	 * ignores proofs ({@link Builder#dpop(boolean)}).
	 * @return {@code true} if it did, {@code false} if not or before the first token
	 * request
	 */
	public boolean lastTokenRequestHadDpopProof() {
		return this.tokenRequests.lastRequestHadDpopProof();
	}

	/**
	 * Returns how many requests reached the pushed authorization request endpoint
	 * ({@code /oauth2/par}, RFC 9126 section 2) since the server started, whether they
	 * succeeded or not.
	 * @return the number of pushed authorization requests
	 */
	public int pushedAuthorizationRequestCount() {
		return this.pushedAuthorizationRequests.count();
	}

	/**
	 * Returns whether the server is running.
	 * @return {@code true} until {@link #close()}
	 */
	public boolean isRunning() {
		return this.context.isActive();
	}

	/**
	 * Stops the server. Calling it again does nothing.
	 */
	@Override
	public void close() {
		this.context.close();
	}

	@Override
	public String toString() {
		return "EmbeddedAuthorizationServer[issuer=" + this.issuer + ", clientId=" + clientId() + "]";
	}

	/**
	 * Collects the settings of an {@link EmbeddedAuthorizationServer} and starts it. Not
	 * thread-safe.
	 */
	public static final class Builder {

		private int port;

		private String clientId = DEFAULT_CLIENT_ID;

		private final Map<String, String> users = new LinkedHashMap<>();

		private List<String> scopes = DEFAULT_SCOPES;

		private Duration accessTokenTimeToLive = Duration.ofMinutes(5);

		private Duration refreshTokenTimeToLive = Duration.ofHours(1);

		private boolean rotateRefreshTokens = true;

		private boolean requireConsent;

		private boolean deviceGrant = true;

		private boolean pushedAuthorizationRequests;

		private boolean requirePushedAuthorizationRequests;

		private Duration pushedAuthorizationRequestLifetime = Duration.ofMinutes(5);

		private boolean dpop = true;

		private Builder() {
		}

		/**
		 * Sets the port to listen on, on {@code 127.0.0.1}.
		 * @param port the port, {@code 0} (the default) for an ephemeral one
		 * @return this builder
		 */
		public Builder port(int port) {
			Assert.isTrue(port >= 0 && port <= 65535, "port must be between 0 and 65535");
			this.port = port;
			return this;
		}

		/**
		 * Sets the client id of the registered public client.
		 * @param clientId the client id,
		 * {@value EmbeddedAuthorizationServer#DEFAULT_CLIENT_ID} by default
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			Assert.hasText(clientId, "clientId cannot be empty");
			this.clientId = clientId;
			return this;
		}

		/**
		 * Adds a user who can sign in. The first call replaces the default user
		 * {@value EmbeddedAuthorizationServer#DEFAULT_USERNAME}.
		 * @param username the user name, also the {@code sub} of the user's tokens
		 * @param password the password
		 * @return this builder
		 */
		public Builder user(String username, String password) {
			Assert.hasText(username, "username cannot be empty");
			Assert.hasText(password, "password cannot be empty");
			this.users.put(username, password);
			return this;
		}

		/**
		 * Sets the scopes the client may request.
		 * @param scopes the scopes, {@link EmbeddedAuthorizationServer#DEFAULT_SCOPES} by
		 * default
		 * @return this builder
		 */
		public Builder scopes(String... scopes) {
			Assert.notEmpty(scopes, "scopes cannot be empty");
			Assert.noNullElements(scopes, "scopes cannot contain null elements");
			this.scopes = List.of(scopes);
			return this;
		}

		/**
		 * Sets how long access tokens are valid.
		 * @param timeToLive the lifetime, 5 minutes by default
		 * @return this builder
		 */
		public Builder accessTokenTimeToLive(Duration timeToLive) {
			Assert.isTrue(!timeToLive.isNegative() && !timeToLive.isZero(), "timeToLive must be positive");
			this.accessTokenTimeToLive = timeToLive;
			return this;
		}

		/**
		 * Sets how long refresh tokens are valid.
		 * @param timeToLive the lifetime, 1 hour by default
		 * @return this builder
		 */
		public Builder refreshTokenTimeToLive(Duration timeToLive) {
			Assert.isTrue(!timeToLive.isNegative() && !timeToLive.isZero(), "timeToLive must be positive");
			this.refreshTokenTimeToLive = timeToLive;
			return this;
		}

		/**
		 * Sets whether each refresh issues a new refresh token, after which the old one
		 * gets {@code invalid_grant} (RFC 9700 section 4.14.2).
		 * @param rotate {@code true} (the default) to rotate, {@code false} to reuse
		 * @return this builder
		 */
		public Builder rotateRefreshTokens(boolean rotate) {
			this.rotateRefreshTokens = rotate;
			return this;
		}

		/**
		 * Sets whether the user must approve the requested scopes on a consent page
		 * during the authorization code flow. The device grant always shows it.
		 * @param requireConsent {@code true} to show the consent page, {@code false} by
		 * default
		 * @return this builder
		 */
		public Builder requireConsent(boolean requireConsent) {
			this.requireConsent = requireConsent;
			return this;
		}

		/**
		 * Sets whether the device authorization grant (RFC 8628) is enabled.
		 * @param deviceGrant {@code true} (the default) to enable it
		 * @return this builder
		 */
		public Builder deviceGrant(boolean deviceGrant) {
			this.deviceGrant = deviceGrant;
			return this;
		}

		/**
		 * Sets whether the pushed authorization request endpoint ({@code /oauth2/par},
		 * RFC 9126) is enabled and named in both discovery documents as
		 * {@code pushed_authorization_request_endpoint}. The public client pushes with
		 * its {@code client_id} and no credentials; plain authorization requests still
		 * work unless {@link #requirePushedAuthorizationRequests(boolean)} says
		 * otherwise.
		 * @param pushedAuthorizationRequests {@code true} to enable the endpoint,
		 * {@code false} by default
		 * @return this builder
		 */
		public Builder pushedAuthorizationRequests(boolean pushedAuthorizationRequests) {
			this.pushedAuthorizationRequests = pushedAuthorizationRequests;
			return this;
		}

		/**
		 * Sets whether every authorization request must be pushed (RFC 9126 section 5):
		 * enables the pushed authorization request endpoint, advertises
		 * {@code require_pushed_authorization_requests: true} in both discovery
		 * documents, and answers an authorization request without a {@code request_uri}
		 * with an error page (HTTP 400, {@code invalid_request}) instead of a sign-in.
		 * @param requirePushedAuthorizationRequests {@code true} to require them,
		 * {@code false} by default
		 * @return this builder
		 */
		public Builder requirePushedAuthorizationRequests(boolean requirePushedAuthorizationRequests) {
			this.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests;
			return this;
		}

		/**
		 * Sets how long the {@code request_uri} of a pushed authorization request is
		 * valid, which the push response reports as {@code expires_in} (RFC 9126 section
		 * 2.2, in whole seconds, rounded down). A browser that arrives later gets an
		 * error page.
		 * @param lifetime the lifetime, at least one second; 5 minutes by default
		 * @return this builder
		 */
		public Builder pushedAuthorizationRequestLifetime(Duration lifetime) {
			Assert.isTrue(lifetime.toSeconds() > 0, "lifetime must be at least one second");
			this.pushedAuthorizationRequestLifetime = lifetime;
			return this;
		}

		/**
		 * Sets whether the server supports DPoP (RFC 9449). When it does (the default), a
		 * token request with a valid {@code DPoP} proof gets an access token bound to the
		 * proof's key ({@code token_type} {@code DPoP}). When it does not, both discovery
		 * documents leave out {@code dpop_signing_alg_values_supported} and the token
		 * endpoint ignores a {@code DPoP} header, answering with a Bearer token as a
		 * server without DPoP support does.
		 * @param dpop {@code true} (the default) to support DPoP
		 * @return this builder
		 */
		public Builder dpop(boolean dpop) {
			this.dpop = dpop;
			return this;
		}

		/**
		 * Starts the server and waits until it accepts requests.
		 * @return the running server
		 * @throws IllegalStateException if the server could not start, for example
		 * because the fixed port is taken
		 */
		public EmbeddedAuthorizationServer start() {
			Map<String, String> users = this.users.isEmpty() ? Map.of(DEFAULT_USERNAME, DEFAULT_PASSWORD) : this.users;
			EmbeddedServerOptions options = new EmbeddedServerOptions(this.port, this.clientId, users, this.scopes,
					this.accessTokenTimeToLive, this.refreshTokenTimeToLive, this.rotateRefreshTokens,
					this.requireConsent, this.deviceGrant, this.pushedAuthorizationRequests,
					this.requirePushedAuthorizationRequests, this.pushedAuthorizationRequestLifetime, this.dpop);
			long started = System.nanoTime();
			ConfigurableApplicationContext context;
			try {
				context = AuthorizationServerApplication.run(options);
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("Could not start the embedded authorization server on port "
						+ ((this.port != 0) ? this.port : "(ephemeral)") + ": "
						+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), ex);
			}
			EmbeddedAuthorizationServer server = new EmbeddedAuthorizationServer(context, options);
			if (logger.isInfoEnabled()) {
				logger.info("Embedded authorization server " + server.issuer() + " started in "
						+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
			}
			return server;
		}

	}

}
