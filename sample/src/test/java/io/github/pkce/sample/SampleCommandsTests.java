package io.github.pkce.sample;

import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.EmbeddedAuthorizationServerTest;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.shell.core.command.CommandExecutionException;
import org.springframework.shell.test.ShellTestClient;
import org.springframework.shell.test.autoconfigure.ShellTest;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's commands through Spring Shell's test client, against the test kit's
 * embedded server (which the {@code demo} profile's commands use as the demo identity
 * provider), signed in by its scripted browser.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "spring.shell.interactive.enabled=false")
@ShellTest
@ActiveProfiles(DemoMode.PROFILE)
@EmbeddedAuthorizationServerTest
class SampleCommandsTests {

	// Three base64url segments, as a whole access or ID token is printed
	static final Pattern WHOLE_JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

	private final ShellTestClient shell;

	private final EmbeddedAuthorizationServer server;

	SampleCommandsTests(@Autowired ShellTestClient shell, @Autowired EmbeddedAuthorizationServer server) {
		this.shell = shell;
		this.server = server;
	}

	@BeforeEach
	void signOut(@Autowired PkceAuthenticator authenticator) {
		authenticator.logout();
	}

	@Test
	void loginStatusApiTokenLogout(@Autowired ScriptedBrowser browser) throws Exception {
		assertThat(lines("auth login")).singleElement().asString().startsWith("Signed in as alice.");
		assertThat(browser.lastPage().url().getPath()).isEqualTo("/callback/done");
		assertThat(browser.lastPage().url().getQuery()).isNull();
		assertThat(lines("auth status")).contains("Signed in as alice", "Refresh token: present",
				"Scopes: offline_access openid profile", "Endpoint: " + this.server.issuer());
		assertThat(lines("api me")).containsExactly("HTTP 200 OK",
				"{\"sub\":\"alice\",\"scope\":\"openid profile offline_access\"}");
		assertThat(lines("api get /api/me")).first().isEqualTo("HTTP 200 OK");
		assertThat(lines("api get " + this.server.resourceUri())).first().isEqualTo("HTTP 200 OK");
		List<String> token = lines("auth token");
		assertThat(subject(token)).isEqualTo("alice");
		// what the masking tests look for
		assertThat(token).singleElement().asString().matches(WHOLE_JWT);
		assertThat(lines("auth logout")).containsExactly(
				"Signed out. The refresh token was revoked at " + this.server.issuer() + "/oauth2/revoke.");
		assertThat(lines("auth status")).contains("Not signed in. Run 'auth login' to sign in.");
	}

	@Test
	void apiGetSendsTheTokenToTheEndpointOriginOnly() throws Exception {
		lines("auth login");
		try (ForeignServer foreign = ForeignServer.start()) {
			assertThat(lines("api get " + foreign.uri("/hello"))).containsExactly("HTTP 200 OK",
					"{\"greeting\":\"hello\"}");
			assertThat(foreign.authorizations()).containsExactly(Optional.empty());
		}
		// the endpoint's origin does get it
		assertThat(lines("api me")).first().isEqualTo("HTTP 200 OK");
	}

	@Test
	void apiGetFailsOnAnErrorStatusAfterPrintingIt() throws Exception {
		try (ForeignServer foreign = ForeignServer.start()) {
			assertThatExceptionOfType(CommandExecutionException.class)
				.isThrownBy(() -> this.shell.sendCommand("api get " + foreign.uri("/missing")))
				.satisfies((ex) -> assertThat(CommandLineShell.message(ex))
					.isEqualTo("GET " + foreign.uri("/missing") + " answered HTTP 404 Not Found"));
		}
	}

	@Test
	void apiMeWithoutSigningInFirstSignsInOnDemand() throws Exception {
		assertThat(lines("api me")).first().isEqualTo("HTTP 200 OK");
		assertThat(lines("auth status")).contains("Signed in as alice");
	}

	@Test
	void demoRunsTheTourAndMasksTheToken() throws Exception {
		List<String> lines = lines("demo");
		assertThat(lines).containsSubsequence("==> auth login", "==> api me", "HTTP 200 OK", "==> auth status",
				"Signed in as alice", "==> auth token", "==> auth logout",
				"Done: signed in with the browser flow (PKCE, a pushed authorization request), called the API with a DPoP-bound token, signed out.");
		String masked = lines.get(lines.indexOf("==> auth token") + 1);
		assertThat(masked).matches("eyJ[A-Za-z0-9_-]{5}\\.\\.\\. \\(\\d+ characters, masked\\)");
		assertThat(lines).noneMatch((line) -> WHOLE_JWT.matcher(line).find());
		assertThat(lines("auth status")).contains("Not signed in. Run 'auth login' to sign in.");
	}

	private List<String> lines(String command) throws Exception {
		return this.shell.sendCommand(command).lines();
	}

	private static String subject(List<String> tokenOutput) throws ParseException {
		assertThat(tokenOutput).hasSize(1);
		return JWTParser.parse(tokenOutput.get(0)).getJWTClaimsSet().getSubject();
	}

}
