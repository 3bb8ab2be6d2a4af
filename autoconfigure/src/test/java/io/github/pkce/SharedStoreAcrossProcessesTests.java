package io.github.pkce;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.pkce.store.CachingCredentialStore;
import io.github.pkce.store.FileCredentialStore;
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

/**
 * Several copies of a program, each its own JVM, share one file store against a token
 * endpoint that rotates refresh tokens and refuses a reused one (WireMock, because a real
 * server cannot be told to count): one refresh, no {@code invalid_grant}. The copies ask
 * for the token together (each waits for a "go" file once it is ready) and the refresh is
 * slow, so they do overlap: without the lock, every copy would refresh.
 */
class SharedStoreAcrossProcessesTests {

	private static final int PROCESSES = 4;

	// Bounds for a loaded machine, never waited out when things work
	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	@Test
	void processesShareOneRefreshOfARotatingToken(@TempDir Path directory) throws Exception {
		server.stubFor(post("/token").inScenario("rotation")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("refresh_token=rt1"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":300,"
						+ "\"refresh_token\":\"rt2\"}")
				// the other copies ask while this refresh is in flight
				.withFixedDelay(1500))
			.willSetStateTo("rotated"));
		server.stubFor(post("/token").inScenario("rotation")
			.whenScenarioStateIs("rotated")
			.withRequestBody(containing("refresh_token=rt1"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token reused\"}")));
		new FileCredentialStore(directory.resolve("store")).save("k",
				new Credentials("at1", "Bearer", Instant.now().minusSeconds(5), "rt1", null, Set.of("api")));
		List<Process> processes = new ArrayList<>();
		for (int i = 0; i < PROCESSES; i++) {
			processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
					System.getProperty("java.class.path"), Copy.class.getName(), server.baseUrl(), directory.toString(),
					"locks", Integer.toString(i))
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("output-" + i + ".txt").toFile())
				.start());
		}
		List<String> outputs = new ArrayList<>();
		try {
			awaitReady(directory, processes);
			Files.createFile(directory.resolve(Copy.GO));
			for (int i = 0; i < PROCESSES; i++) {
				assertThat(processes.get(i).waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				outputs.add(Files.readString(directory.resolve("output-" + i + ".txt"), StandardCharsets.UTF_8).trim());
			}
		}
		finally {
			processes.forEach(Process::destroyForcibly);
		}
		assertThat(outputs).containsOnly("token at2");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
		assertThat(new FileCredentialStore(directory.resolve("store")).load("k").refreshToken()).isEqualTo("rt2");
	}

	private static void awaitReady(Path directory, List<Process> processes) throws Exception {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		for (int i = 0; i < PROCESSES; i++) {
			Path ready = directory.resolve(Copy.READY + i);
			while (!Files.exists(ready)) {
				Process process = processes.get(i);
				assertThat(process.isAlive())
					.as("copy %d ended before it was ready: %s", i,
							Files.readString(directory.resolve("output-" + i + ".txt"), StandardCharsets.UTF_8))
					.isTrue();
				assertThat(System.nanoTime()).as("copy %d ready within %s", i, TIMEOUT).isLessThan(deadline);
				Thread.sleep(10);
			}
		}
	}

	/**
	 * One copy of the program: once ready, waits for the go file, then asks for an access
	 * token and prints it, or the error.
	 */
	static final class Copy {

		static final String READY = "ready-";

		static final String GO = "go";

		public static void main(String[] args) throws Exception {
			Path directory = Path.of(args[1]);
			ProviderMetadata metadata = ProviderMetadata
				.withEndpoints(URI.create(args[0] + "/authorize"), URI.create(args[0] + "/token"))
				.build();
			AuthorizationClient client = AuthorizationClient
				.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
				.build();
			PkceAuthenticator authenticator = PkceAuthenticator.withClient(client)
				.credentialStore(new CachingCredentialStore(new FileCredentialStore(directory.resolve("store"))))
				.storeKey("k")
				.interactiveLogin(false)
				.lockDirectory(directory.resolve(args[2]))
				.build();
			Files.createFile(directory.resolve(READY + args[3]));
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (!Files.exists(directory.resolve(GO)) && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
			int status = 0;
			try {
				System.out.println("token " + authenticator.accessToken());
			}
			catch (PkceException ex) {
				System.out.println("error " + ex.getErrorCode() + ": " + ex.getMessage());
				status = 1;
			}
			System.out.flush();
			System.exit(status);
		}

	}

}
