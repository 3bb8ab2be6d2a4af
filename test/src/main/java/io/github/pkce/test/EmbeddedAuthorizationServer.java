package io.github.pkce.test;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pkce.test.server.AuthorizationServerApplication;
import io.github.pkce.test.server.EmbeddedServerOptions;
import io.github.pkce.test.server.TokenRequestCounter;
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
 * accepts it on the refresh grant, on the device authorization endpoint and on token
 * revocation. Users sign in through Spring Security's default login page. Access tokens
 * and ID tokens are JWTs signed with an RSA key made for each server; ID tokens carry the
 * request's {@code nonce} and a {@code preferred_username} claim. The device grant
 * refuses the {@code openid} scope ({@code invalid_scope}) and always shows a consent
 * page.
 * <p>
 * Endpoints, relative to {@link #issuer()}: {@code /.well-known/openid-configuration},
 * {@code /.well-known/oauth-authorization-server}, {@code /oauth2/authorize},
 * {@code /oauth2/token}, {@code /oauth2/jwks}, {@code /oauth2/revoke}, {@code /userinfo},
 * {@code /oauth2/device_authorization} and {@code /activate} (the device grant's
 * verification URI), and {@code /api/me}, a resource that accepts the server's access
 * tokens and answers {@code {"sub": ..., "scope": ...}}.
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

	private final TokenRequestCounter tokenRequests;

	private EmbeddedAuthorizationServer(ConfigurableApplicationContext context, EmbeddedServerOptions options) {
		this.context = context;
		this.options = options;
		this.port = AuthorizationServerApplication.port(context);
		this.issuer = URI.create("http://127.0.0.1:" + this.port);
		this.tokenRequests = context.getBean(TokenRequestCounter.class);
	}

	/**
	 * Returns a builder for a server with the default settings: an ephemeral port, client
	 * {@value #DEFAULT_CLIENT_ID}, user {@value #DEFAULT_USERNAME} with password
	 * {@value #DEFAULT_PASSWORD}, the {@link #DEFAULT_SCOPES}, no consent page, 5 minute
	 * access tokens, 1 hour rotating refresh tokens and the device grant enabled.
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
		 * Starts the server and waits until it accepts requests.
		 * @return the running server
		 * @throws IllegalStateException if the server could not start, for example
		 * because the fixed port is taken
		 */
		public EmbeddedAuthorizationServer start() {
			Map<String, String> users = this.users.isEmpty() ? Map.of(DEFAULT_USERNAME, DEFAULT_PASSWORD) : this.users;
			EmbeddedServerOptions options = new EmbeddedServerOptions(this.port, this.clientId, users, this.scopes,
					this.accessTokenTimeToLive, this.refreshTokenTimeToLive, this.rotateRefreshTokens,
					this.requireConsent, this.deviceGrant);
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
