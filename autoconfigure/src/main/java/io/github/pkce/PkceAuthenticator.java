package io.github.pkce;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.github.pkce.store.CredentialKeys;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Gives a program valid credentials for one configuration, signing the user in with the
 * browser when needed. {@link #credentials()} tries, in order: the credentials in memory,
 * the {@link CredentialStore}, a refresh, and (when allowed) an interactive login.
 * <p>
 * Thread-safe. Concurrent callers share work: while a login or a refresh is in progress,
 * other callers wait for it and receive its result or its error, so two threads never
 * open two browsers or spend one refresh token twice.
 *
 * @author pkce-spring-boot
 */
public final class PkceAuthenticator {

	private static final Log logger = LogFactory.getLog(PkceAuthenticator.class);

	private enum Kind {

		LOGIN, REFRESH

	}

	private record Flight(Kind kind, CompletableFuture<Credentials> result) {
	}

	private final AuthorizationClient client;

	private final CredentialStore store;

	private final String storeKey;

	private final boolean interactiveLogin;

	private final String loginHint;

	private final Clock clock;

	private final Supplier<Credentials> loginFlow;

	private final @Nullable ProcessLock processLock;

	private final java.time.Duration lockTimeout;

	private final Object monitor = new Object();

	private @Nullable Flight flight;

	/**
	 * The credentials in memory with the time, in the clock's milliseconds, at which
	 * their access token stops being used: one immutable pair, so the hot path reads one
	 * volatile field and compares longs.
	 */
	private volatile @Nullable Cached memory;

	private record Cached(Credentials credentials, long until) {
	}

	private PkceAuthenticator(Builder builder) {
		this.client = builder.client;
		this.store = builder.store;
		this.storeKey = (builder.storeKey != null) ? builder.storeKey : defaultStoreKey(builder.client.getConfig());
		this.interactiveLogin = builder.interactiveLogin;
		this.loginHint = builder.loginHint;
		this.clock = builder.clock;
		this.loginFlow = (builder.loginFlow != null) ? builder.loginFlow : builder.client::login;
		this.processLock = (builder.lockDirectory != null) ? new ProcessLock(builder.lockDirectory, this.storeKey)
				: null;
		this.lockTimeout = builder.client.getConfig().getLoginTimeout().plusSeconds(30);
	}

	/**
	 * Starts building an authenticator around an {@link AuthorizationClient}.
	 * @param client the client that performs logins and refreshes
	 * @return a builder
	 */
	public static Builder withClient(AuthorizationClient client) {
		return new Builder(client);
	}

	/**
	 * Returns the default directory for {@link Builder#lockDirectory(Path)}:
	 * {@code pkce-spring-boot/locks} in {@code $XDG_CACHE_HOME}, or in {@code ~/.cache}.
	 * Never a shared directory such as {@code /tmp}.
	 * @return the directory (not created until a lock is taken)
	 */
	public static Path defaultLockDirectory() {
		return ProcessLock.defaultDirectory(System.getenv(), System.getProperty("user.home"));
	}

	/**
	 * Returns the key under which credentials are stored.
	 * @return the store key
	 */
	public String getStoreKey() {
		return this.storeKey;
	}

	/**
	 * Signs the user in with the browser, replacing any stored credentials once the login
	 * succeeds. When a login is already in progress in another thread, waits for it and
	 * returns its result instead of opening a second browser.
	 * @return the new credentials
	 * @throws PkceException when the login fails; stored credentials are then left as
	 * they were
	 */
	public Credentials login() {
		return run(Kind.LOGIN, () -> {
			try (ProcessLock.Held lock = lockProcesses()) {
				return doLogin();
			}
		});
	}

	/**
	 * Returns valid credentials: from memory, the store, a refresh, or (when allowed) a
	 * login.
	 * @return credentials whose access token is valid beyond the clock skew
	 * @throws AccessTokenNotFoundException when the user must sign in and an interactive
	 * login is not allowed
	 * @throws PkceException when a refresh or login fails
	 */
	public Credentials credentials() {
		// the hot path: a volatile read and a clock read, no lock, no I/O, no allocation
		Cached current = this.memory;
		if (current != null && this.clock.millis() < current.until()) {
			return current.credentials();
		}
		return run(Kind.REFRESH, () -> {
			// valid stored credentials need no lock: another process signing in (which
			// holds it for minutes) must not hold this one up
			Credentials stored = loadCurrent();
			if (stored != null && isValid(stored)) {
				cache(stored);
				return stored;
			}
			try (ProcessLock.Held lock = lockProcesses()) {
				return obtain();
			}
		});
	}

	/**
	 * Returns a valid access token, as {@link #credentials()} does.
	 * @return the access token
	 */
	public String accessToken() {
		return credentials().accessToken();
	}

	/**
	 * Refreshes the credentials now, even if they are still valid; when there is no
	 * refresh token or the server refuses it, signs in again (when allowed).
	 * @return the refreshed credentials
	 */
	public Credentials refreshCredentials() {
		return run(Kind.REFRESH, () -> {
			try (ProcessLock.Held lock = lockProcesses()) {
				return refreshOrLogin(reloadCurrent());
			}
		});
	}

	/**
	 * Replaces an access token that the service rejected (RFC 6750
	 * {@code invalid_token}): refreshes, unless another caller already replaced that
	 * token, in which case its replacement is returned. Many callers rejected at once
	 * thus cause one refresh.
	 * @param rejectedAccessToken the access token that was rejected
	 * @return credentials with another access token
	 */
	public Credentials refreshCredentials(String rejectedAccessToken) {
		Assert.notNull(rejectedAccessToken, "rejectedAccessToken cannot be null");
		return run(Kind.REFRESH, () -> {
			try (ProcessLock.Held lock = lockProcesses()) {
				// another thread, or another process, may have replaced the token already
				Credentials current = reloadCurrent();
				if (current == null) {
					current = cached();
				}
				if (current != null && !current.accessToken().equals(rejectedAccessToken) && isValid(current)) {
					cache(current);
					return current;
				}
				return refreshOrLogin(current);
			}
		});
	}

	/**
	 * Returns the credentials held in memory or in the store, valid or not, without any
	 * network call.
	 * @return the credentials, or {@code null} when the user is not signed in
	 */
	public @Nullable Credentials currentCredentials() {
		Credentials current = cached();
		return (current != null) ? current : loadCurrent();
	}

	/**
	 * Asks who is signed in, for providers that give no ID token: reads the userinfo
	 * endpoint configured with explicit endpoints
	 * ({@link ProviderMetadata#getUserInfoEndpoint()}, such as GitHub's {@code GET /user}
	 * in {@link ProviderPresets#github(String)}) with the current access token. It
	 * neither refreshes nor signs in, and servers found by discovery are not asked: their
	 * ID token names the user.
	 * @return the response's fields (for GitHub {@code login}, {@code id}, {@code name},
	 * {@code email}; for OpenID Connect {@code sub}, {@code preferred_username},
	 * {@code email}...), or {@code null} when not signed in or no userinfo endpoint is
	 * configured
	 * @throws PkceException when the endpoint rejects the token ({@code invalid_token})
	 * or cannot be reached ({@link PkceErrorCodes#SERVER_UNAVAILABLE})
	 */
	public java.util.@Nullable Map<String, Object> userInfo() {
		ProviderMetadata metadata = this.client.getConfig().getProviderMetadata();
		if (metadata == null || metadata.getUserInfoEndpoint() == null) {
			return null;
		}
		Credentials current = currentCredentials();
		return (current != null) ? this.client.userInfo(current) : null;
	}

	/**
	 * Signs the user out: revokes the refresh token at the server when it has a
	 * revocation endpoint (RFC 7009), then forgets and deletes the stored credentials,
	 * even when the revocation failed.
	 * @return what happened, with a sentence for the user
	 */
	public LogoutResult logout() {
		synchronized (this.monitor) {
			try (ProcessLock.Held lock = lockProcesses()) {
				Credentials current = cached();
				// past any cache: another process may have rotated the refresh token
				Credentials stored = reloadCurrent();
				Credentials signedIn = (stored != null) ? stored : current;
				cache(null);
				this.store.delete(this.storeKey);
				if (signedIn == null) {
					return new LogoutResult(false, false, "Not signed in; nothing to do.");
				}
				return this.client.revoke(signedIn);
			}
		}
	}

	private Credentials obtain() {
		Credentials current = cached();
		if (current != null && isValid(current)) {
			return current;
		}
		Credentials stored = reloadCurrent();
		if (stored != null && isValid(stored)) {
			cache(stored);
			return stored;
		}
		return refreshOrLogin(stored);
	}

	private Credentials refreshOrLogin(@Nullable Credentials current) {
		if (current != null && current.isRefreshable()) {
			try {
				return keep(this.client.refresh(current));
			}
			catch (PkceException ex) {
				if (!"invalid_grant".equals(ex.getErrorCode())) {
					throw ex;
				}
				Credentials latest = reloadCurrent();
				if (latest != null && latest.refreshToken() != null
						&& !latest.refreshToken().equals(current.refreshToken())) {
					// another process rotated the refresh token meanwhile: never
					// overwrite its newer tokens
					cache(latest);
					return isValid(latest) ? latest : refreshOrLogin(latest);
				}
				// the refresh token is dead: drop it but keep the rest until a login
				// replaces it
				keep(current.withoutRefreshToken());
				if (!this.interactiveLogin) {
					throw new AccessTokenNotFoundException(
							"The sign-in has expired or was revoked (invalid_grant). " + this.loginHint);
				}
			}
		}
		if (!this.interactiveLogin) {
			throw new AccessTokenNotFoundException(
					((current != null) ? "The access token has expired and cannot be refreshed. " : "Not signed in. ")
							+ this.loginHint);
		}
		return doLogin();
	}

	private Credentials doLogin() {
		return keep(this.loginFlow.get());
	}

	/**
	 * Keeps new credentials: in memory first, so that a store that fails (a locked
	 * keyring, a full disk) never loses tokens the server has already rotated; this
	 * process goes on with them, and the failure is reported as a warning.
	 */
	private Credentials keep(Credentials credentials) {
		cache(credentials);
		try {
			this.store.save(this.storeKey, credentials);
		}
		catch (PkceException ex) {
			logger.warn("The new credentials could not be stored, so this process keeps them in memory only and "
					+ "another process may ask to sign in again: " + ex.getMessage());
		}
		return credentials;
	}

	private ProcessLock.@Nullable Held lockProcesses() {
		ProcessLock lock = this.processLock;
		return (lock != null) ? lock.acquire(this.lockTimeout) : null;
	}

	private @Nullable Credentials loadCurrent() {
		return this.store.load(this.storeKey);
	}

	/**
	 * Reads the store again, past any cache: another process may have refreshed (and
	 * rotated the refresh token) while this one waited for the lock.
	 */
	private @Nullable Credentials reloadCurrent() {
		return this.store.reload(this.storeKey);
	}

	private void cache(@Nullable Credentials credentials) {
		if (credentials == null) {
			this.memory = null;
			return;
		}
		Instant expiresAt = credentials.expiresAt();
		long until = (expiresAt != null) ? expiresAt.minus(this.client.getConfig().getClockSkew()).toEpochMilli()
				: Long.MAX_VALUE;
		this.memory = new Cached(credentials, until);
	}

	private @Nullable Credentials cached() {
		Cached current = this.memory;
		return (current != null) ? current.credentials() : null;
	}

	private boolean isValid(Credentials credentials) {
		return credentials.isValidAt(this.clock.instant(), this.client.getConfig().getClockSkew());
	}

	private Credentials run(Kind kind, Supplier<Credentials> action) {
		while (true) {
			Flight joined;
			Flight own = null;
			synchronized (this.monitor) {
				joined = this.flight;
				if (joined == null) {
					own = new Flight(kind, new CompletableFuture<>());
					this.flight = own;
				}
			}
			if (own != null) {
				return fly(own, action);
			}
			if (joined.kind() == kind || kind == Kind.REFRESH) {
				// a login in progress also satisfies a caller that only needs valid
				// credentials
				return await(joined.result());
			}
			// a login must not take a refresh's result: wait for the refresh to end, then
			// sign in
			awaitQuietly(joined.result());
		}
	}

	private Credentials fly(Flight own, Supplier<Credentials> action) {
		try {
			Credentials result = action.get();
			own.result().complete(result);
			return result;
		}
		catch (RuntimeException | Error ex) {
			own.result().completeExceptionally(ex);
			throw ex;
		}
		finally {
			synchronized (this.monitor) {
				this.flight = null;
			}
		}
	}

	private static Credentials await(CompletableFuture<Credentials> result) {
		try {
			return result.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PkceException(PkceErrorCodes.LOGIN_CANCELLED, "Interrupted while waiting for the sign-in.");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	private static void awaitQuietly(CompletableFuture<Credentials> result) {
		try {
			result.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PkceException(PkceErrorCodes.LOGIN_CANCELLED, "Interrupted while waiting for the sign-in.");
		}
		catch (ExecutionException ex) {
			// the other operation's failure is its caller's to report
		}
	}

	static String defaultStoreKey(ClientConfig config) {
		ProviderMetadata metadata = config.getProviderMetadata();
		String server = (config.getIssuerUri() != null) ? config.getIssuerUri().toString()
				: (metadata.getIssuer() != null) ? metadata.getIssuer() : metadata.getTokenEndpoint().toString();
		return CredentialKeys.of(Objects.requireNonNull(server), config.getClientId(), null);
	}

	/**
	 * Builds a {@link PkceAuthenticator}.
	 */
	public static final class Builder {

		private final AuthorizationClient client;

		private CredentialStore store = new InMemoryCredentialStore();

		private @Nullable String storeKey;

		private boolean interactiveLogin = true;

		private String loginHint = "Sign in again.";

		private Clock clock = Clock.systemUTC();

		private @Nullable Path lockDirectory;

		private @Nullable Supplier<Credentials> loginFlow;

		private Builder(AuthorizationClient client) {
			Assert.notNull(client, "client cannot be null");
			this.client = client;
		}

		/**
		 * Sets where credentials are kept; in memory by default.
		 * @param store the store
		 * @return this builder
		 */
		public Builder credentialStore(CredentialStore store) {
			Assert.notNull(store, "store cannot be null");
			this.store = store;
			return this;
		}

		/**
		 * Sets the key under which credentials are stored; by default the issuer (or
		 * token endpoint) and the client id.
		 * @param storeKey the key
		 * @return this builder
		 */
		public Builder storeKey(String storeKey) {
			Assert.hasText(storeKey, "storeKey cannot be empty");
			this.storeKey = storeKey;
			return this;
		}

		/**
		 * Sets whether {@link PkceAuthenticator#credentials()} may open the browser when
		 * the user must sign in; {@code true} by default.
		 * @param interactiveLogin whether a login may start on demand
		 * @return this builder
		 */
		public Builder interactiveLogin(boolean interactiveLogin) {
			this.interactiveLogin = interactiveLogin;
			return this;
		}

		/**
		 * Sets the sentence that tells the user how to sign in, ending the message of
		 * {@link AccessTokenNotFoundException}, such as "Run 'mycli auth login'.".
		 * @param loginHint the sentence
		 * @return this builder
		 */
		public Builder loginHint(String loginHint) {
			Assert.hasText(loginHint, "loginHint cannot be empty");
			this.loginHint = loginHint;
			return this;
		}

		/**
		 * Sets the clock that decides whether a token is still valid.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			Assert.notNull(clock, "clock cannot be null");
			this.clock = clock;
			return this;
		}

		/**
		 * Coordinates with other processes of the user through a lock file in the given
		 * directory, so two copies of a program never refresh or sign in for the same
		 * account at once, and the second one reuses what the first stored. Use with a
		 * store that processes share (keyring or file); off by default.
		 * @param lockDirectory a directory of the user's own, such as
		 * {@code ~/.cache/<app>/locks}
		 * @return this builder
		 */
		public Builder lockDirectory(Path lockDirectory) {
			Assert.notNull(lockDirectory, "lockDirectory cannot be null");
			this.lockDirectory = lockDirectory;
			return this;
		}

		/**
		 * Sets how an interactive login signs the user in; the client's browser login by
		 * default. For machines without a browser:
		 * {@code InteractiveLogin.withClient(client).build()::login}.
		 * @param loginFlow the login
		 * @return this builder
		 */
		public Builder loginFlow(Supplier<Credentials> loginFlow) {
			Assert.notNull(loginFlow, "loginFlow cannot be null");
			this.loginFlow = loginFlow;
			return this;
		}

		/**
		 * Builds the authenticator.
		 * @return the authenticator
		 */
		public PkceAuthenticator build() {
			return new PkceAuthenticator(this);
		}

	}

}
