package io.github.pkce;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

import io.github.pkce.AuthorizationClient.PendingLogin;
import io.github.pkce.DeviceAuthorizationClient.PendingAuthorization;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * One interactive login by the chosen {@link LoginMethod}: the browser
 * ({@link AuthorizationClient}), a code entered on another device
 * ({@link DeviceAuthorizationClient}), or, with {@link LoginMethod#AUTO}, whichever works
 * on this machine:
 * <ol>
 * <li>when the {@link LoginEnvironment} says a browser can be opened, the browser is
 * opened; if it does not open and the server has a device authorization endpoint, the
 * device login follows;</li>
 * <li>when it says none can (an SSH session, CI, no display), the device login runs
 * straight away if the server offers it;</li>
 * <li>otherwise, or when the server refuses the device login for this client
 * ({@code unauthorized_client}, {@code invalid_client}, {@code invalid_scope}), the
 * browser login prints its URL and waits, as usual.</li>
 * </ol>
 * An interrupt ends either login promptly with {@link PkceErrorCodes#LOGIN_CANCELLED} and
 * frees the loopback port. Nothing is stored here: {@link PkceAuthenticator} stores the
 * credentials once a login succeeds, so a failed or cancelled login leaves the stored
 * ones as they were.
 * <p>
 * Thread-safe; like the clients, it does not coordinate concurrent logins.
 *
 * @author pkce-spring-boot
 */
public final class InteractiveLogin {

	private static final Log logger = LogFactory.getLog(InteractiveLogin.class);

	/**
	 * Device authorization errors after which {@link LoginMethod#AUTO} falls back to the
	 * browser login: the client may not use the grant or those scopes on it.
	 */
	private static final Set<String> FALLBACK_ERRORS = Set.of("unauthorized_client", "invalid_client", "invalid_scope",
			"unsupported_grant_type");

	private final AuthorizationClient client;

	/** Made at the first device login: most runs never sign in. */
	private final SingletonSupplier<DeviceAuthorizationClient> deviceClient;

	private final LoginMethod method;

	/** Read at the first automatic login: most runs never sign in. */
	private final SingletonSupplier<LoginEnvironment> environment;

	private final Consumer<String> prompt;

	private InteractiveLogin(Builder builder) {
		this.client = builder.client;
		DeviceAuthorizationClient deviceClient = builder.deviceClient;
		AuthorizationClient client = builder.client;
		this.deviceClient = SingletonSupplier
			.of(() -> (deviceClient != null) ? deviceClient : DeviceAuthorizationClient.withClient(client).build());
		this.method = builder.method;
		LoginEnvironment environment = builder.environment;
		this.environment = SingletonSupplier.of(() -> (environment != null) ? environment : LoginEnvironment.current());
		this.prompt = builder.client.prompt();
	}

	/**
	 * Starts building a login around a browser login client.
	 * @param client the browser login client; also the source of the device login
	 * client's settings unless {@link Builder#deviceClient} sets one
	 * @return a builder
	 */
	public static Builder withClient(AuthorizationClient client) {
		return new Builder(client);
	}

	/**
	 * Returns the login method.
	 * @return the method
	 */
	public LoginMethod getMethod() {
		return this.method;
	}

	/**
	 * Signs the user in by the chosen method.
	 * @return the new credentials
	 * @throws PkceException when the login fails, with a message for the user
	 */
	public Credentials login() {
		return switch (this.method) {
			case BROWSER -> this.client.login();
			case DEVICE -> this.deviceClient.obtain().login();
			case AUTO -> automatic();
		};
	}

	private Credentials automatic() {
		String noBrowser = this.environment.obtain().noBrowserReason();
		if (noBrowser != null) {
			PendingAuthorization authorization = this.deviceClient.obtain().isSupported() ? requestDeviceAuthorization()
					: null;
			if (authorization != null) {
				this.prompt.accept("No browser can be opened here (" + noBrowser + "), so sign in with a code.");
				return this.deviceClient.obtain().awaitApproval(authorization);
			}
			return browserLoginWithoutBrowser();
		}
		PendingAuthorization authorization = null;
		try (PendingLogin login = this.client.startLogin()) {
			if (login.openBrowser()) {
				login.showPrompt();
				return login.complete();
			}
			logger.debug("No browser could be opened");
			if (this.deviceClient.obtain().isSupported()) {
				authorization = requestDeviceAuthorization();
			}
			if (authorization == null) {
				login.showPromptWithoutBrowser();
				return login.complete();
			}
		}
		this.prompt.accept("No browser could be opened, so sign in with a code.");
		return this.deviceClient.obtain().awaitApproval(authorization);
	}

	/**
	 * The browser login where no browser seems to be: the URL is printed and the launcher
	 * tried all the same, as it may know better (a {@code BROWSER} variable that forwards
	 * URLs, for one).
	 */
	private Credentials browserLoginWithoutBrowser() {
		try (PendingLogin login = this.client.startLogin()) {
			login.showPrompt();
			if (this.environment.obtain().isRemoteSession()) {
				URI redirectUri = login.redirectUri();
				int port = redirectUri.getPort();
				this.prompt.accept("This is an SSH session: the browser must reach port " + port
						+ " of this machine. From the computer with the browser, forward it first, for example: "
						+ "ssh -L " + port + ":" + redirectUri.getHost() + ":" + port + " <this host>");
			}
			login.openBrowser();
			return login.complete();
		}
	}

	private @Nullable PendingAuthorization requestDeviceAuthorization() {
		try {
			return this.deviceClient.obtain().requestAuthorization();
		}
		catch (PkceException ex) {
			if (!FALLBACK_ERRORS.contains(ex.getErrorCode())) {
				throw ex;
			}
			logger.debug("Device login refused; falling back to the browser login: " + ex.getMessage());
			this.prompt.accept("The authorization server refused a sign-in with a code (" + ex.getErrorCode()
					+ "), so sign in with the browser.");
			return null;
		}
	}

	@Override
	public String toString() {
		return "InteractiveLogin[method=" + this.method + ", " + this.environment.obtain() + "]";
	}

	/**
	 * Builds an {@link InteractiveLogin}.
	 */
	public static final class Builder {

		private final AuthorizationClient client;

		private @Nullable DeviceAuthorizationClient deviceClient;

		private LoginMethod method = LoginMethod.AUTO;

		private @Nullable LoginEnvironment environment;

		private Builder(AuthorizationClient client) {
			Assert.notNull(client, "client cannot be null");
			this.client = client;
		}

		/**
		 * Sets the login method; {@link LoginMethod#AUTO} by default.
		 * @param method the method
		 * @return this builder
		 */
		public Builder method(LoginMethod method) {
			Assert.notNull(method, "method cannot be null");
			this.method = method;
			return this;
		}

		/**
		 * Sets the device login client; by default one
		 * {@link DeviceAuthorizationClient#withClient(AuthorizationClient) built from the
		 * browser login client}.
		 * @param deviceClient the device login client, for the same configuration
		 * @return this builder
		 */
		public Builder deviceClient(DeviceAuthorizationClient deviceClient) {
			Assert.notNull(deviceClient, "deviceClient cannot be null");
			this.deviceClient = deviceClient;
			return this;
		}

		/**
		 * Sets what {@link LoginMethod#AUTO} knows about the machine;
		 * {@link LoginEnvironment#current()} by default.
		 * @param environment the environment
		 * @return this builder
		 */
		public Builder environment(LoginEnvironment environment) {
			Assert.notNull(environment, "environment cannot be null");
			this.environment = environment;
			return this;
		}

		/**
		 * Builds the login.
		 * @return the login
		 */
		public InteractiveLogin build() {
			return new InteractiveLogin(this);
		}

	}

}
