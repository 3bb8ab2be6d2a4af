package io.github.pkce.shell;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.store.CredentialKeys;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.test.ShellScreen;
import org.springframework.shell.test.ShellTestClient;
import org.springframework.shell.test.autoconfigure.ShellTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = ShellTestApplication.class,
		properties = { "spring.shell.interactive.enabled=false", "auth.pkce.store.type=memory",
				"auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://login.example.com",
				"auth.pkce.endpoint=https://api.example.com", "auth.pkce.login.on-demand=false",
				"auth.pkce.registrations.work.client-id=work",
				"auth.pkce.registrations.work.issuer-uri=https://work.example.com" })
@ShellTest
@ExtendWith(OutputCaptureExtension.class)
class AuthCommandsTests {

	private static final String DEFAULT_KEY = CredentialKeys.of("https://login.example.com", "cli",
			"https://api.example.com");

	private final ShellTestClient client;

	private final CredentialStore store;

	private final PkceAuthenticators authenticators;

	private final CommandRegistry registry;

	AuthCommandsTests(@Autowired ShellTestClient client, @Autowired CredentialStore store,
			@Autowired PkceAuthenticators authenticators, @Autowired CommandRegistry registry) {
		this.client = client;
		this.store = store;
		this.authenticators = authenticators;
		this.registry = registry;
	}

	@BeforeEach
	void signOut() {
		this.authenticators.names().forEach((name) -> this.authenticators.get(name).logout());
	}

	@Test
	void theStarterRegistersTheFourCommands() {
		assertThat(this.registry.getCommands()).extracting(Command::getName)
			.contains("auth login", "auth logout", "auth status", "auth token");
		assertThat(this.registry.getCommandByName("auth token").getGroup()).isEqualTo("Authentication");
	}

	@Test
	void statusWhenSignedOut() throws Exception {
		assertThat(lines("auth status")).containsExactly("Registration: default",
				"Not signed in. Run 'auth login' to sign in.", "Endpoint: https://api.example.com",
				"Store: memory only, key " + DEFAULT_KEY);
	}

	@Test
	void statusWhenSignedIn() throws Exception {
		Instant expiresAt = Instant.now().plus(2, ChronoUnit.HOURS).plusSeconds(30);
		String idToken = IdTokens
			.withClaims("{\"sub\":\"248289761001\",\"preferred_username\":\"alice\",\"email\":\"alice@example.com\"}");
		this.store.save(DEFAULT_KEY,
				new Credentials("at-123", "Bearer", expiresAt, "rt-1", idToken, Set.of("openid", "profile")));
		assertThat(lines("auth status")).containsExactly("Registration: default",
				"Signed in as alice (alice@example.com, subject 248289761001)",
				"Access token: valid until " + expiresAt.truncatedTo(ChronoUnit.SECONDS) + " (in 2 hours)",
				"Refresh token: present",
				"Token binding: Bearer (anyone who holds the access token can use it until it expires)",
				"Scopes: openid profile", "Endpoint: https://api.example.com",
				"Store: memory only, key " + DEFAULT_KEY);
	}

	@Test
	void statusSaysWhetherTheTokensAreBoundToAKey() throws Exception {
		DpopKey key = DpopKey.generate();
		Instant expiresAt = Instant.now().plus(1, ChronoUnit.HOURS);
		this.store.save(DEFAULT_KEY, new Credentials("at-123", "DPoP", expiresAt, "rt-1", null, Set.of(), key));
		assertThat(lines("auth status")).contains("Token binding: DPoP (bound to this program's key " + key.thumbprint()
				+ "; a copied token is useless without it)");
		this.store.save(DEFAULT_KEY, new Credentials("at-123", "Bearer", expiresAt, "rt-1", null, Set.of(), key));
		assertThat(lines("auth status")).contains("Token binding: Bearer (the server did not bind the access token "
				+ "to the DPoP key; anyone who holds it can use it)");
	}

	@Test
	void statusOfExpiredCredentialsWithoutIdToken() throws Exception {
		Instant expiredAt = Instant.now().minus(10, ChronoUnit.MINUTES).minusSeconds(5);
		this.store.save(DEFAULT_KEY, new Credentials("at-123", "Bearer", expiredAt, null, null, Set.of()));
		assertThat(lines("auth status")).contains("Signed in (no ID token: request the openid scope to see who)",
				"Access token: expired at " + expiredAt.truncatedTo(ChronoUnit.SECONDS)
						+ " (10 minutes ago); run 'auth login' to sign in again",
				"Refresh token: none");
	}

	@Test
	void statusOfANamedRegistration() throws Exception {
		assertThat(lines("auth status --registration work")).containsExactly("Registration: work",
				"Not signed in. Run 'auth login --registration work' to sign in.", "Endpoint: none configured",
				"Store: memory only, key " + CredentialKeys.of("https://work.example.com", "work", null));
	}

	@Test
	void statusNamesTheRegistrationItShows() throws Exception {
		assertThat(lines("auth status --registration \" work \"")).containsExactly("Registration: work",
				"Not signed in. Run 'auth login --registration work' to sign in.", "Endpoint: none configured",
				"Store: memory only, key " + CredentialKeys.of("https://work.example.com", "work", null));
		assertThat(lines("auth status --registration \" \"")).containsExactly("Registration: default",
				"Not signed in. Run 'auth login' to sign in.", "Endpoint: https://api.example.com",
				"Store: memory only, key " + DEFAULT_KEY);
	}

	@Test
	void tokenPrintsOnlyTheAccessToken() throws Exception {
		this.store.save(DEFAULT_KEY,
				new Credentials("at-123", "Bearer", Instant.now().plusSeconds(3600), null, null, Set.of()));
		assertThat(lines("auth token")).containsExactly("at-123");
		assertThat(lines("auth token -r default")).containsExactly("at-123");
	}

	@Test
	void tokenBoundToAKeyIsPrintedAloneWithANoteOnStandardError(CapturedOutput output) throws Exception {
		this.store.save(DEFAULT_KEY, new Credentials("at-dpop", "DPoP", Instant.now().plusSeconds(3600), null, null,
				Set.of(), DpopKey.generate()));
		assertThat(lines("auth token")).containsExactly("at-dpop");
		assertThat(output.getErr()).contains("this access token is bound to this program's DPoP key")
			.doesNotContain("at-dpop");
	}

	@Test
	void logoutDeletesTheStoredCredentials() throws Exception {
		this.store.save(DEFAULT_KEY,
				new Credentials("at-123", "Bearer", Instant.now().plusSeconds(3600), null, null, Set.of()));
		// the server cannot be reached here: the tokens are deleted all the same, and the
		// user is told
		assertThat(lines("auth logout")).singleElement()
			.asString()
			.startsWith("Signed out locally. The authorization server could not be asked to revoke the tokens (")
			.endsWith("they stay valid there until they expire.");
		assertThat(this.store.load(DEFAULT_KEY)).isNull();
		assertThat(lines("auth logout")).containsExactly("Not signed in; nothing to do.");
	}

	private List<String> lines(String command) throws Exception {
		ShellScreen screen = this.client.sendCommand(command);
		return screen.lines();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Store {

		@Bean
		CredentialStore credentialStore() {
			return new InMemoryCredentialStore();
		}

	}

}
