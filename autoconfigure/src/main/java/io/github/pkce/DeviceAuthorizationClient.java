package io.github.pkce;

import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Signs the user in with the device authorization grant (RFC 8628), for machines where no
 * browser can be opened or reach the loopback redirect: SSH sessions, containers, WSL
 * without a browser. It asks the server for a user code, shows the user where to enter it
 * (on standard error by default, so standard output stays clean), and polls the token
 * endpoint until the user approves on any device, refuses, or the code expires.
 * <p>
 * Polling follows RFC 8628 section 3.5: every {@code interval} seconds (5 when the server
 * sends none), 5 seconds more after each {@code slow_down}, twice as long after a request
 * that timed out; {@code authorization_pending} keeps polling, {@code access_denied} and
 * {@code expired_token} end the login, and the code's {@code expires_in} bounds the wait.
 * An interrupt ends the wait at once with {@link PkceErrorCodes#LOGIN_CANCELLED}. The
 * tokens are validated as those of a browser login (an ID token's signature, {@code iss},
 * {@code aud} and {@code exp}; there is no {@code nonce} in this grant) and refreshed by
 * {@link AuthorizationClient#refresh(Credentials)}.
 * <p>
 * The request carries the client id, the configured scopes, the {@code audience} and the
 * extra authorization parameters; each poll carries the extra token parameters. Some
 * servers refuse some scopes on this grant: Spring Authorization Server refuses
 * {@code openid}.
 * <p>
 * Thread-safe; one instance serves any number of logins but does not coordinate them:
 * {@link PkceAuthenticator} makes concurrent callers share one login.
 *
 * @author pkce-spring-boot
 * @see InteractiveLogin
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8628">RFC 8628</a>
 */
public final class DeviceAuthorizationClient {

	/** RFC 8628 section 3.2: without an {@code interval} the client polls every 5 s. */
	static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

	/**
	 * RFC 8628 section 3.5: {@code slow_down} adds 5 seconds to the interval of this and
	 * every later request.
	 */
	static final Duration SLOW_DOWN_INCREMENT = Duration.ofSeconds(5);

	private static final String STEP = "device sign-in";

	private static final String AUTHORIZATION_PENDING = "authorization_pending";

	private static final String SLOW_DOWN = "slow_down";

	private static final String ACCESS_DENIED = "access_denied";

	private static final String EXPIRED_TOKEN = "expired_token";

	private static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";

	private static final Log logger = LogFactory.getLog(DeviceAuthorizationClient.class);

	private final AuthorizationClient client;

	private final RestClient deviceRestClient;

	private final Consumer<String> prompt;

	private final Consumer<DeviceVerification> verificationListener;

	private final Clock clock;

	private final Sleeper sleeper;

	private DeviceAuthorizationClient(Builder builder) {
		this.client = builder.supportClient();
		this.deviceRestClient = OAuthRestClients.forDeviceAuthorization(this.client.restClient());
		this.prompt = builder.prompt;
		this.verificationListener = builder.verificationListener;
		this.clock = builder.clock;
		this.sleeper = builder.sleeper;
	}

	/**
	 * Starts building a client for the given configuration.
	 * @param config the client configuration
	 * @return a builder
	 */
	public static Builder withConfig(ClientConfig config) {
		Assert.notNull(config, "config cannot be null");
		return new Builder(config, null);
	}

	/**
	 * Starts building a client that shares the configuration, {@link RestClient}, prompt,
	 * clock, discovered metadata and key cache of a browser login client.
	 * @param client the browser login client
	 * @return a builder
	 */
	public static Builder withClient(AuthorizationClient client) {
		Assert.notNull(client, "client cannot be null");
		return new Builder(client.getConfig(), client);
	}

	/**
	 * Returns the configuration.
	 * @return the configuration
	 */
	public ClientConfig getConfig() {
		return this.client.getConfig();
	}

	/**
	 * Whether the authorization server has a device authorization endpoint, configured or
	 * discovered; reads the discovery document at the first call when an issuer is
	 * configured.
	 * @return whether a device login can be tried
	 * @throws PkceException when the discovery document cannot be read
	 */
	public boolean isSupported() {
		return this.client.getProviderMetadata().getDeviceAuthorizationEndpoint() != null;
	}

	/**
	 * Signs the user in with a code entered on any device: requests the code, shows it,
	 * and waits for the approval.
	 * @return the new credentials
	 * @throws PkceException when the login fails, with a message for the user:
	 * {@code access_denied}, {@code expired_token}, {@code unsupported_grant_type} when
	 * the server has no device authorization endpoint,
	 * {@link PkceErrorCodes#LOGIN_CANCELLED} when the thread was interrupted (its
	 * interrupt flag is set again), {@link PkceErrorCodes#SERVER_UNAVAILABLE} when the
	 * server could not be reached
	 */
	public Credentials login() {
		return awaitApproval(requestAuthorization());
	}

	/**
	 * Asks the server for a device code and a user code (RFC 8628 section 3.1), showing
	 * nothing yet.
	 * @return the pending authorization
	 */
	PendingAuthorization requestAuthorization() {
		ProviderMetadata provider = this.client.getProviderMetadata();
		URI endpoint = provider.getDeviceAuthorizationEndpoint();
		if (endpoint == null) {
			throw new PkceException(UNSUPPORTED_GRANT_TYPE,
					"The authorization server " + AuthorizationClient.describe(provider)
							+ " has no device authorization endpoint, so "
							+ "it cannot sign in with a code entered on another device (RFC 8628). Use the browser "
							+ "login instead.");
		}
		// before anything is sent: dpop=always against a server without DPoP fails here
		io.github.pkce.dpop.DpopKey key = this.client.newDpopKey(provider);
		ClientConfig config = getConfig();
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		HttpHeaders headers = new HttpHeaders();
		// RFC 8628 section 3.1: a client with credentials authenticates (Google's do)
		this.client.authenticateClient(form, headers);
		if (!config.getScopes().isEmpty()) {
			form.set(OAuth2ParameterNames.SCOPE, String.join(" ", config.getScopes()));
		}
		if (config.getAudience() != null) {
			form.set("audience", config.getAudience());
		}
		config.getAuthorizationParameters().forEach(form::set);
		OAuthRestClients.hideSecretValues(form);
		OAuth2DeviceAuthorizationResponse response;
		try {
			response = this.deviceRestClient.post()
				.uri(endpoint)
				.headers((all) -> all.addAll(headers))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(form)
				.retrieve()
				.body(OAuth2DeviceAuthorizationResponse.class);
		}
		catch (OAuth2AuthorizationException ex) {
			throw refused(endpoint, ex.getError(), ex);
		}
		catch (RestClientException | HttpMessageNotReadableException ex) {
			throw unreadable(endpoint, ex);
		}
		if (response == null) {
			throw unreadable(endpoint, null);
		}
		return toPendingAuthorization(endpoint, response, provider, key);
	}

	private PendingAuthorization toPendingAuthorization(URI endpoint, OAuth2DeviceAuthorizationResponse response,
			ProviderMetadata provider, io.github.pkce.dpop.@Nullable DpopKey key) {
		OAuth2DeviceCode deviceCode = response.getDeviceCode();
		// the converter dates the code by the system clock; our clock bounds the wait
		Duration lifetime = Duration.between(Objects.requireNonNull(deviceCode.getIssuedAt()),
				Objects.requireNonNull(deviceCode.getExpiresAt()));
		Instant expiresAt = this.clock.instant().plus(lifetime);
		URI verificationUri;
		URI verificationUriComplete;
		try {
			verificationUri = URI.create(response.getVerificationUri());
			verificationUriComplete = (response.getVerificationUriComplete() != null)
					? URI.create(response.getVerificationUriComplete()) : null;
		}
		catch (IllegalArgumentException ex) {
			throw unreadable(endpoint, ex);
		}
		Duration interval = (response.getInterval() > 0) ? Duration.ofSeconds(response.getInterval())
				: DEFAULT_INTERVAL;
		DeviceVerification verification = new DeviceVerification(verificationUri,
				response.getUserCode().getTokenValue(), verificationUriComplete, expiresAt);
		return new PendingAuthorization(provider, deviceCode.getTokenValue(), verification, interval, lifetime, key);
	}

	/**
	 * Shows the user code and polls the token endpoint until the user approves, refuses,
	 * or the code expires (RFC 8628 sections 3.3 to 3.5).
	 * @param authorization the pending authorization
	 * @return the new credentials
	 */
	Credentials awaitApproval(PendingAuthorization authorization) {
		DeviceVerification verification = authorization.verification();
		this.prompt.accept(instructions(verification, authorization.lifetime()));
		this.verificationListener.accept(verification);
		Duration interval = authorization.interval();
		while (true) {
			checkNotInterrupted(null);
			Duration remaining = Duration.between(this.clock.instant(), verification.expiresAt());
			if (remaining.isNegative() || remaining.isZero()) {
				throw expired(authorization, null);
			}
			sleep((interval.compareTo(remaining) < 0) ? interval : remaining);
			if (!this.clock.instant().isBefore(verification.expiresAt())) {
				throw expired(authorization, null);
			}
			OAuth2AccessTokenResponse response;
			try {
				response = requestToken(authorization);
			}
			catch (OAuth2AuthorizationException ex) {
				String code = ex.getError().getErrorCode();
				if (AUTHORIZATION_PENDING.equals(code)) {
					continue;
				}
				if (AuthorizationClient.USE_DPOP_NONCE.equals(code) && authorization.dpopKey() != null) {
					// RFC 9449 section 8: the next poll carries the nonce
					continue;
				}
				if (SLOW_DOWN.equals(code)) {
					interval = interval.plus(SLOW_DOWN_INCREMENT);
					logger.debug("The server asked to poll more slowly; polling every " + interval.toSeconds() + " s");
					continue;
				}
				if (ACCESS_DENIED.equals(code)) {
					throw new PkceException(ACCESS_DENIED, "The device sign-in was denied (access_denied). Run the "
							+ "login again and approve the request on the verification page to sign in.", ex);
				}
				if (EXPIRED_TOKEN.equals(code)) {
					throw expired(authorization, ex);
				}
				throw this.client.translate(ex.getError(), ex, STEP, authorization.provider());
			}
			catch (RestClientException ex) {
				checkNotInterrupted(ex);
				if (isTimeout(ex)) {
					// RFC 8628 section 3.5: reduce the polling frequency after a timeout
					interval = interval.multipliedBy(2);
					logger.debug("The token request timed out; polling every " + interval.toSeconds() + " s");
					continue;
				}
				OAuth2Error error = new OAuth2Error("invalid_token_response",
						"The device access token response could not be read", null);
				throw this.client.translate(error, new OAuth2AuthorizationException(error, ex), STEP,
						authorization.provider());
			}
			return toCredentials(response, authorization);
		}
	}

	private OAuth2AccessTokenResponse requestToken(PendingAuthorization authorization) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set(OAuth2ParameterNames.GRANT_TYPE, AuthorizationGrantType.DEVICE_CODE.getValue());
		form.set(OAuth2ParameterNames.DEVICE_CODE, authorization.deviceCode());
		HttpHeaders headers = new HttpHeaders();
		this.client.authenticateClient(form, headers);
		if (authorization.dpopKey() != null) {
			headers
				.addAll(this.client.dpopHeaders(authorization.dpopKey(), authorization.provider().getTokenEndpoint()));
		}
		getConfig().getTokenParameters().forEach(form::set);
		OAuthRestClients.hideSecretValues(form);
		OAuth2AccessTokenResponse response = this.client.tokenRestClient()
			.post()
			.uri(authorization.provider().getTokenEndpoint())
			.headers((all) -> all.addAll(headers))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.body(form)
			.retrieve()
			.body(OAuth2AccessTokenResponse.class);
		if (response == null) {
			throw new RestClientException("Empty OAuth 2.0 Access Token Response");
		}
		return response;
	}

	private Credentials toCredentials(OAuth2AccessTokenResponse response, PendingAuthorization authorization) {
		ProviderMetadata provider = authorization.provider();
		String idToken = null;
		if (response.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN) instanceof String value) {
			idToken = this.client.validateIdToken(value, provider);
		}
		OAuth2RefreshToken refreshToken = response.getRefreshToken();
		Credentials credentials = this.client.toCredentials(response,
				(refreshToken != null) ? refreshToken.getTokenValue() : null, idToken, getConfig().getScopes(),
				authorization.dpopKey());
		this.client.checkBinding(credentials, provider);
		return credentials;
	}

	private void sleep(Duration duration) {
		try {
			this.sleeper.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw cancelled(ex);
		}
	}

	private static void checkNotInterrupted(@Nullable Exception cause) {
		if (Thread.currentThread().isInterrupted()) {
			throw cancelled(cause);
		}
	}

	private static PkceException cancelled(@Nullable Exception cause) {
		return new PkceException(PkceErrorCodes.LOGIN_CANCELLED,
				"The login was cancelled while it waited for the device sign-in to be approved.", cause);
	}

	private static PkceException expired(PendingAuthorization authorization, @Nullable Exception cause) {
		return new PkceException(EXPIRED_TOKEN,
				"The code expired before the device sign-in was approved (expired_token). Run the login again and "
						+ "approve it within " + describe(authorization.lifetime()) + ".",
				cause);
	}

	private static PkceException refused(URI endpoint, OAuth2Error error, Exception ex) {
		String code = error.getErrorCode();
		String description = error.getDescription();
		String advice = switch (code) {
			case "invalid_scope" -> "Check the configured scopes: some servers refuse some scopes, such as openid, "
					+ "on the device grant.";
			case "unauthorized_client", "invalid_client" ->
				"Check the client id and that the client may use the device authorization grant.";
			default -> "Run the login again; if it keeps failing, check the client's registration.";
		};
		return new PkceException(code, "The device authorization endpoint " + endpoint + " refused the request: " + code
				+ ((description != null) ? " (" + description + ")" : "") + ". " + advice, ex);
	}

	private static PkceException unreadable(URI endpoint, @Nullable Exception ex) {
		checkNotInterrupted(ex);
		if (ex instanceof HttpClientErrorException client) {
			return new PkceException("invalid_client",
					"The device authorization endpoint " + endpoint + " refused the request with HTTP "
							+ client.getStatusCode().value()
							+ ". Check the client id and that the client may use the device authorization grant.",
					ex);
		}
		String what = (ex instanceof HttpServerErrorException server)
				? "answered HTTP " + server.getStatusCode().value()
				: (ex instanceof ResourceAccessException) ? "could not be reached"
						: "sent a response that is not a valid device authorization response"
								+ ((ex != null) ? " (" + ProviderDiscovery.rootMessage(ex) + ")" : "");
		return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE, "The device authorization endpoint " + endpoint
				+ " " + what + ". Nothing was changed; check the network connection and try again.", ex);
	}

	private static boolean isTimeout(RestClientException ex) {
		if (!(ex instanceof ResourceAccessException)) {
			return false;
		}
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			// SocketTimeoutException is an InterruptedIOException; a real interrupt was
			// checked before
			if (cause instanceof InterruptedIOException || cause instanceof HttpTimeoutException) {
				return true;
			}
		}
		return false;
	}

	static String instructions(DeviceVerification verification, Duration lifetime) {
		String nl = System.lineSeparator();
		boolean complete = verification.verificationUriComplete() != null;
		return "To sign in, open this page in a browser on any device:" + nl + nl + "    " + verification.uriToOpen()
				+ nl + nl + (complete ? "Check that it shows this code:" : "Enter this code:") + nl + nl + "    "
				+ verification.userCode() + nl + nl + "The code expires in " + describe(lifetime) + "." + nl;
	}

	/**
	 * Describes a lifetime the way a user would say it: "30 minutes", "90 seconds".
	 */
	static String describe(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds >= 60 && seconds % 60 == 0) {
			long minutes = seconds / 60;
			return minutes + " minute" + ((minutes == 1) ? "" : "s");
		}
		return seconds + " second" + ((seconds == 1) ? "" : "s");
	}

	/**
	 * Waits between two polls. Tests plug in one that records the waits and moves a clock
	 * instead of sleeping.
	 */
	@FunctionalInterface
	public interface Sleeper {

		/**
		 * Waits for the given time.
		 * @param duration how long to wait
		 * @throws InterruptedException when the thread is interrupted while waiting
		 */
		void sleep(Duration duration) throws InterruptedException;

		/**
		 * Returns a sleeper that blocks the calling thread, ending early on an interrupt.
		 * @return the sleeper of {@link Thread#sleep(long)}
		 */
		static Sleeper threadSleep() {
			return (duration) -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
		}

	}

	/**
	 * A device authorization waiting for the user's approval. Holds the device code:
	 * never shown.
	 */
	record PendingAuthorization(ProviderMetadata provider, String deviceCode, DeviceVerification verification,
			Duration interval, Duration lifetime, io.github.pkce.dpop.@Nullable DpopKey dpopKey) {

		@Override
		public String toString() {
			return "PendingAuthorization[" + this.verification + ", interval=" + this.interval + "]";
		}

	}

	/**
	 * Builds a {@link DeviceAuthorizationClient}.
	 */
	public static final class Builder {

		private final ClientConfig config;

		private @Nullable AuthorizationClient shared;

		private RestClient restClient;

		private Consumer<String> prompt;

		private Consumer<DeviceVerification> verificationListener = (verification) -> {
		};

		private Clock clock;

		private Sleeper sleeper = Sleeper.threadSleep();

		private Builder(ClientConfig config, @Nullable AuthorizationClient shared) {
			this.config = config;
			this.shared = shared;
			this.restClient = (shared != null) ? shared.restClient() : OAuthRestClients.withTimeouts();
			this.prompt = (shared != null) ? shared.prompt() : System.err::println;
			this.clock = (shared != null) ? shared.clock() : Clock.systemUTC();
		}

		/**
		 * Sets the {@link RestClient} for discovery, device authorization, token and JWK
		 * requests; its TLS, proxy and timeout settings apply. A client built
		 * {@link DeviceAuthorizationClient#withClient(AuthorizationClient) with a browser
		 * login client} then no longer shares its discovery and key cache.
		 * @param restClient the client
		 * @return this builder
		 */
		public Builder restClient(RestClient restClient) {
			Assert.notNull(restClient, "restClient cannot be null");
			this.restClient = restClient;
			this.shared = null;
			return this;
		}

		/**
		 * Sets where the code and the page to open are printed; standard error by
		 * default, so standard output stays clean for the program's own output.
		 * @param prompt the receiver of the text
		 * @return this builder
		 */
		public Builder prompt(Consumer<String> prompt) {
			Assert.notNull(prompt, "prompt cannot be null");
			this.prompt = prompt;
			return this;
		}

		/**
		 * Sets a listener told the code and the page to open, after they are printed and
		 * before polling starts, for example to show them in a window or as a QR code.
		 * @param verificationListener the listener
		 * @return this builder
		 */
		public Builder verificationListener(Consumer<DeviceVerification> verificationListener) {
			Assert.notNull(verificationListener, "verificationListener cannot be null");
			this.verificationListener = verificationListener;
			return this;
		}

		/**
		 * Sets the clock, for the code's expiry and ID token time checks. A client built
		 * {@link DeviceAuthorizationClient#withClient(AuthorizationClient) with a browser
		 * login client} then no longer shares its discovery and key cache.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			Assert.notNull(clock, "clock cannot be null");
			this.clock = clock;
			this.shared = null;
			return this;
		}

		/**
		 * Sets how the client waits between polls; {@link Sleeper#threadSleep()} by
		 * default.
		 * @param sleeper the sleeper
		 * @return this builder
		 */
		public Builder sleeper(Sleeper sleeper) {
			Assert.notNull(sleeper, "sleeper cannot be null");
			this.sleeper = sleeper;
			return this;
		}

		/**
		 * Builds the client.
		 * @return the client
		 */
		public DeviceAuthorizationClient build() {
			return new DeviceAuthorizationClient(this);
		}

		private AuthorizationClient supportClient() {
			if (this.shared != null) {
				return this.shared;
			}
			return AuthorizationClient.withConfig(this.config)
				.restClient(this.restClient)
				.prompt(this.prompt)
				.clock(this.clock)
				.build();
		}

	}

}
