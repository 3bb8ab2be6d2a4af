package io.github.pkce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.store.CachingCredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the user keeps when the token endpoint fails: faults a real server will not
 * produce on demand, served by WireMock.
 */
class PkceAuthenticatorTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private final FailingStore store = new FailingStore();

	private final Credentials expired = new Credentials("at1", "Bearer", Instant.now().minusSeconds(5), "rt1", null,
			Set.of("api"));

	private PkceAuthenticator authenticator(boolean withRevocation) {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), URI.create(server.baseUrl() + "/token"))
			.revocationEndpoint(withRevocation ? URI.create(server.baseUrl() + "/revoke") : null)
			.build();
		AuthorizationClient client = AuthorizationClient
			.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
			.build();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client)
			.credentialStore(this.store)
			.storeKey("k")
			.interactiveLogin(false)
			.loginHint("Run 'app auth login'.")
			.build();
		this.store.save("k", this.expired);
		return authenticator;
	}

	@Test
	void serverErrorKeepsTheStoredCredentials() {
		PkceAuthenticator authenticator = authenticator(false);
		server.stubFor(post("/token").willReturn(aResponse().withStatus(500)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(authenticator::accessToken)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE));
		assertThat(this.store.load("k")).isEqualTo(this.expired);
	}

	@Test
	void refusedRefreshTokenIsDroppedAndTheUserToldToSignIn() {
		PkceAuthenticator authenticator = authenticator(false);
		server.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}")));
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(authenticator::accessToken)
			.withMessage("The sign-in has expired or was revoked (invalid_grant). Run 'app auth login'.");
		assertThat(this.store.load("k").refreshToken()).isNull();
		assertThat(this.store.load("k").accessToken()).isEqualTo("at1");
		// no second attempt with the dead refresh token
		assertThatExceptionOfType(AccessTokenNotFoundException.class).isThrownBy(authenticator::accessToken)
			.withMessage("The access token has expired and cannot be refreshed. Run 'app auth login'.");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void refreshedTokensAreKeptInMemoryWhenTheStoreFails() {
		PkceAuthenticator authenticator = authenticator(false);
		server.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody(
					"{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt2\"}")));
		this.store.failSaves = true;
		// the server has rotated rt1 away: losing rt2 would force a new login
		assertThat(authenticator.accessToken()).isEqualTo("at2");
		assertThat(authenticator.currentCredentials().refreshToken()).isEqualTo("rt2");
		assertThat(authenticator.accessToken()).isEqualTo("at2");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
		assertThat(this.store.load("k")).isEqualTo(this.expired);
	}

	@Test
	void logoutRevokesTheRefreshTokenStoredByAnotherProcess() {
		server.stubFor(post("/revoke").willReturn(aResponse().withStatus(200)));
		CachingCredentialStore shared = new CachingCredentialStore(this.store);
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), URI.create(server.baseUrl() + "/token"))
			.revocationEndpoint(URI.create(server.baseUrl() + "/revoke"))
			.build();
		PkceAuthenticator authenticator = PkceAuthenticator
			.withClient(
					AuthorizationClient.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
						.build())
			.credentialStore(shared)
			.storeKey("k")
			.interactiveLogin(false)
			.build();
		shared.save("k", this.expired);
		// another process rotates the refresh token behind this one's cache
		this.store.save("k",
				new Credentials("at9", "Bearer", Instant.now().plusSeconds(300), "rt9", null, Set.of("api")));
		authenticator.logout();
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/revoke"))).get(0).getBodyAsString())
			.contains("token=rt9");
	}

	@Test
	void successfulRefreshIsStored() {
		PkceAuthenticator authenticator = authenticator(false);
		server.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody(
					"{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt2\"}")));
		assertThat(authenticator.accessToken()).isEqualTo("at2");
		assertThat(this.store.load("k").refreshToken()).isEqualTo("rt2");
		assertThat(authenticator.accessToken()).isEqualTo("at2");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void logoutRevokesTheRefreshTokenAndDeletes() {
		PkceAuthenticator authenticator = authenticator(true);
		server.stubFor(post("/revoke").willReturn(aResponse().withStatus(200)));
		LogoutResult result = authenticator.logout();
		assertThat(result.revoked()).isTrue();
		assertThat(result.message())
			.isEqualTo("Signed out. The refresh token was revoked at " + server.baseUrl() + "/revoke.");
		server.verify(postRequestedFor(urlEqualTo("/revoke")).withRequestBody(containing("token=rt1"))
			.withRequestBody(containing("token_type_hint=refresh_token"))
			.withRequestBody(containing("client_id=cli")));
		assertThat(this.store.load("k")).isNull();
	}

	@Test
	void failedRevocationStillDeletesLocallyAndSaysSo() {
		PkceAuthenticator authenticator = authenticator(true);
		server.stubFor(post("/revoke").willReturn(aResponse().withStatus(503)));
		LogoutResult result = authenticator.logout();
		assertThat(result.revoked()).isFalse();
		assertThat(result.message()).isEqualTo("Signed out locally, but " + server.baseUrl()
				+ "/revoke refused the revocation (HTTP 503); the tokens stay valid there until they expire.");
		assertThat(this.store.load("k")).isNull();
	}

	@Test
	void logoutWithoutRevocationEndpointIsLocal() {
		PkceAuthenticator authenticator = authenticator(false);
		LogoutResult result = authenticator.logout();
		assertThat(result.message()).isEqualTo("Signed out locally. The authorization server has no revocation "
				+ "endpoint, so the tokens stay valid there until they expire.");
		assertThat(this.store.load("k")).isNull();
		assertThat(authenticator.logout().wasSignedIn()).isFalse();
	}

	@Test
	void validStoredCredentialsAreUsedWhileAnotherProcessHoldsTheLock(@TempDir Path directory) {
		Credentials valid = new Credentials("at5", "Bearer", Instant.now().plusSeconds(600), "rt5", null,
				Set.of("api"));
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), URI.create(server.baseUrl() + "/token"))
			.build();
		PkceAuthenticator authenticator = PkceAuthenticator
			.withClient(
					AuthorizationClient.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
						.build())
			.credentialStore(this.store)
			.storeKey("k")
			.lockDirectory(directory)
			.interactiveLogin(false)
			.build();
		this.store.save("k", valid);
		// another process signs in, holding the lock for as long as the user takes
		try (ProcessLock.Held held = new ProcessLock(directory, "k").acquire(Duration.ofSeconds(5))) {
			assertThat(authenticator.credentials()).isEqualTo(valid);
		}
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
	}

	@Test
	void lockHeldElsewhereMakesTheWaiterGiveUpWithAMessage(@TempDir Path directory) {
		ProcessLock lock = new ProcessLock(directory, "k");
		try (ProcessLock.Held held = lock.acquire(Duration.ofSeconds(5))) {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> new ProcessLock(directory, "k").acquire(Duration.ofMillis(100)))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.LOGIN_TIMEOUT))
				.withMessageStartingWith("Another process of this program has been signing in or refreshing the "
						+ "same account for more than 0 seconds (lock file " + lock.getFile() + ")");
		}
		new ProcessLock(directory, "k").acquire(Duration.ofMillis(100)).close();
	}

	@Test
	@org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
	void aThreadThatGivesUpWaitingLeavesTheHoldersLockInPlace(@TempDir Path directory) throws Exception {
		ProcessLock lock = new ProcessLock(directory, "k");
		try (ProcessLock.Held held = lock.acquire(Duration.ofSeconds(5))) {
			assertThat(systemLocksOn(lock.getFile())).isEqualTo(1);
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> new ProcessLock(directory, "k").acquire(Duration.ofMillis(100)));
			// closing a second channel to the file would drop this process's lock on
			// POSIX, and another process could then refresh at the same time
			assertThat(systemLocksOn(lock.getFile())).isEqualTo(1);
		}
		assertThat(systemLocksOn(lock.getFile())).isZero();
	}

	/** The locks the operating system holds on a file, from {@code /proc/locks}. */
	private static long systemLocksOn(Path file) throws IOException {
		long inode = ((Number) java.nio.file.Files.getAttribute(file, "unix:ino")).longValue();
		return java.nio.file.Files.readAllLines(Path.of("/proc/locks"))
			.stream()
			.map((line) -> line.trim().split("\\s+"))
			.filter((fields) -> fields.length > 5 && !fields[1].equals("->") && fields[5].endsWith(":" + inode))
			.count();
	}

	@Test
	void lockOfAKilledProcessIsReleased(@TempDir Path directory) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				LockHolder.class.getName(), directory.toString())
			.redirectErrorStream(true)
			.start();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(reader.readLine()).isEqualTo("locked");
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> new ProcessLock(directory, "k").acquire(Duration.ofMillis(100)));
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		new ProcessLock(directory, "k").acquire(Duration.ofSeconds(10)).close();
	}

	@Test
	@org.junit.jupiter.api.condition.EnabledOnOs({ org.junit.jupiter.api.condition.OS.LINUX,
			org.junit.jupiter.api.condition.OS.MAC })
	void lockDirectoryAndFileAreOwnerOnly(@TempDir Path directory) throws Exception {
		Path locks = directory.resolve("locks");
		ProcessLock lock = new ProcessLock(locks, "k");
		lock.acquire(Duration.ofSeconds(5)).close();
		assertThat(java.nio.file.attribute.PosixFilePermissions
			.toString(java.nio.file.Files.getPosixFilePermissions(locks))).isEqualTo("rwx------");
		assertThat(java.nio.file.attribute.PosixFilePermissions
			.toString(java.nio.file.Files.getPosixFilePermissions(lock.getFile()))).isEqualTo("rw-------");
	}

	@Test
	void defaultLockDirectoryIsInTheUsersCache() {
		assertThat(ProcessLock.defaultDirectory(Map.of("XDG_CACHE_HOME", "/home/u/.xdg"), "/home/u"))
			.isEqualTo(Path.of("/home/u/.xdg/pkce-spring-boot/locks"));
		assertThat(ProcessLock.defaultDirectory(Map.of(), "/home/u"))
			.isEqualTo(Path.of("/home/u/.cache/pkce-spring-boot/locks"));
	}

	/**
	 * A memory store whose saves can be made to fail, as a locked keyring's do.
	 */
	static final class FailingStore implements io.github.pkce.store.CredentialStore {

		private final InMemoryCredentialStore delegate = new InMemoryCredentialStore();

		volatile boolean failSaves;

		@Override
		public Credentials load(String key) {
			return this.delegate.load(key);
		}

		@Override
		public void save(String key, Credentials credentials) {
			if (this.failSaves) {
				throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE, "The keyring is locked.");
			}
			this.delegate.save(key, credentials);
		}

		@Override
		public void delete(String key) {
			this.delegate.delete(key);
		}

	}

	/**
	 * A child process that takes the lock and keeps it until it is killed.
	 */
	static final class LockHolder {

		public static void main(String[] args) throws Exception {
			new ProcessLock(Path.of(args[0]), "k").acquire(Duration.ofSeconds(10));
			System.out.println("locked");
			System.out.flush();
			Thread.sleep(List.of(60_000L).get(0));
		}

	}

}
