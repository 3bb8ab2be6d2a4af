package io.github.pkce.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoLoginTests {

	@Test
	void demoSignsInRefreshesAndSignsOut() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = new DemoLogin(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(List.of("demo", "--auto-sign-in", "--port=0"));
		String output = out.toString(StandardCharsets.UTF_8);
		assertThat(status).isZero();
		assertThat(output).contains("Signed in as alice;")
			.contains("Refreshed; new access token valid until")
			.contains("(new token)")
			.contains("Signed out. The refresh token was revoked at http://127.0.0.1:");
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("If it does not open, visit this URL:")
			.contains("code_challenge_method=S256");
	}

}
