package io.github.pkce.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import io.github.pkce.Credentials;
import io.github.pkce.store.CredentialKeys;
import io.github.pkce.store.FileCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The program as {@code java -jar} runs it: the command line, the exit status, and what
 * goes to standard output and standard error.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	private static final String ISSUER = "http://127.0.0.1:9/issuer";

	@Test
	void demoWithAutoSignInRunsTheTourAndExitsWithZero(CapturedOutput output) {
		assertThat(SampleApplication.run("demo", "--auto-sign-in", "--sample.demo.port=0")).isZero();
		assertThat(output.getOut()).contains("==> auth login", "Signed in as alice.", "==> api me", "HTTP 200 OK",
				"\"sub\":\"alice\"", "==> auth status", "==> auth token", "characters, masked)", "==> auth logout",
				"Signed out. The refresh token was revoked at http://127.0.0.1:", "Done: ");
		assertThat(output.getErr()).contains("Starting the demo identity provider on a free port of 127.0.0.1",
				"signing in automatically as 'alice'", "/callback/start");
		// the demo provider takes pushed requests and binds tokens: the status says so
		assertThat(output.getOut()).contains("Token binding: DPoP (bound to this program's key");
		assertThat(output.getErr()).doesNotContain("code_challenge");
		// the token is masked: no line carries a whole one
		assertThat(output.getAll().lines()).noneMatch((line) -> SampleCommandsTests.WHOLE_JWT.matcher(line).find());
	}

	@Test
	void demoFlagRunsOneCommandAgainstTheDemoProvider(CapturedOutput output) {
		assertThat(SampleApplication.run("--demo", "--auto-sign-in", "--sample.demo.port=0", "api", "me")).isZero();
		assertThat(output.getOut()).startsWith("HTTP 200 OK").contains("\"sub\":\"alice\"");
	}

	@Test
	void statusWithStoredCredentialsReadsTheFileStore(@TempDir Path store, CapturedOutput output) {
		new FileCredentialStore(store).save(CredentialKeys.of(ISSUER, "cli", null),
				new Credentials("at-123", "Bearer", Instant.now().plusSeconds(3600), "rt-1",
						idToken("{\"sub\":\"248289761001\",\"preferred_username\":\"jane\"}"), Set.of("openid")));
		assertThat(SampleApplication.run(providerArguments(store, "auth", "status"))).isZero();
		assertThat(output.getOut()).contains("Signed in as jane (subject 248289761001)", "Refresh token: present",
				"Endpoint: none configured");
		assertThat(output.getErr()).doesNotContain("keyring");
		assertThat(SampleApplication.run(providerArguments(store, "auth", "token"))).isZero();
		assertThat(output.getOut()).contains("at-123" + System.lineSeparator());
	}

	@Test
	void failingAuthCommandExitsWithOneAndItsMessageOnStandardError(@TempDir Path store, CapturedOutput output) {
		assertThat(
				SampleApplication.run(providerArguments(store, "--auth.pkce.login.on-demand=false", "auth", "token")))
			.isEqualTo(1);
		assertThat(output.getErr()).contains("Error: Not signed in. Run 'auth login' to sign in.");
		assertThat(output.getOut()).doesNotContain("Not signed in");
	}

	@Test
	void apiGetOfAnErrorStatusExitsWithOne(CapturedOutput output) throws Exception {
		try (ForeignServer foreign = ForeignServer.start()) {
			assertThat(SampleApplication.run("api", "get", foreign.uri("/missing").toString())).isEqualTo(1);
			assertThat(output.getOut()).contains("HTTP 404 Not Found", "{\"error\":\"not_found\"}");
			assertThat(output.getErr()).contains("Error: GET " + foreign.uri("/missing") + " answered HTTP 404");
		}
	}

	@Test
	void unknownCommandExitsWithTwo(CapturedOutput output) {
		assertThat(SampleApplication.run("nope")).isEqualTo(2);
		assertThat(output.getErr()).contains("Error: Unknown command 'nope'. Run 'help' to list the commands.");
	}

	@Test
	void authCommandWithoutConfigurationSaysWhatToConfigure(CapturedOutput output) {
		assertThat(SampleApplication.run("auth", "status")).isEqualTo(2);
		assertThat(output.getErr()).contains("Error: Unknown command 'auth'. The auth commands appear once sign-in "
				+ "is configured: --auth.pkce.issuer-uri=");
	}

	private static String[] providerArguments(Path store, String... command) {
		String[] options = { "--auth.pkce.issuer-uri=" + ISSUER, "--auth.pkce.client-id=cli",
				"--auth.pkce.store.type=file", "--auth.pkce.store.directory=" + store };
		String[] arguments = new String[options.length + command.length];
		System.arraycopy(options, 0, arguments, 0, options.length);
		System.arraycopy(command, 0, arguments, options.length, command.length);
		return arguments;
	}

	/**
	 * An unsigned JWT: the status command reads the ID token without validating it again.
	 */
	private static String idToken(String claims) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
	}

}
