package io.github.pkce;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.browser.BrowserLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How {@link LoginMethod#AUTO} chooses between the browser and the device login, with
 * each sign of the environment injected. The token endpoint tells the two apart: a code
 * exchange gets {@code browser-token}, a device poll {@code device-token}.
 */
class InteractiveLoginTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final LoginEnvironment DESKTOP = LoginEnvironment.of(Map.of("DISPLAY", ":0"),
			Map.of("os.name", "Linux"));

	private static final LoginEnvironment SSH = LoginEnvironment.of(
			Map.of("DISPLAY", "localhost:10.0", "SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
			Map.of("os.name", "Linux"));

	private final List<String> prompts = new CopyOnWriteArrayList<>();

	private final List<URI> opened = new CopyOnWriteArrayList<>();

	private final FakeTime time = new FakeTime();

	static List<Arguments> environmentsWithoutBrowser() {
		return List.of(Arguments.of(Map.of("CI", "true", "DISPLAY", ":0"), "Linux", "a CI environment"),
				Arguments.of(Map.of("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22", "DISPLAY", ":0"), "Linux",
						"an SSH session"),
				Arguments.of(Map.of("SSH_TTY", "/dev/ttys001"), "Mac OS X", "an SSH session"),
				Arguments.of(Map.of(), "Linux", "no display: DISPLAY and WAYLAND_DISPLAY are not set"));
	}

	private ProviderMetadata metadata(boolean device) {
		return ProviderMetadata
			.withEndpoints(URI.create(server.baseUrl() + "/authorize"), URI.create(server.baseUrl() + "/token"))
			.issuer(server.baseUrl())
			.deviceAuthorizationEndpoint(device ? URI.create(server.baseUrl() + "/device") : null)
			.build();
	}

	private InteractiveLogin login(LoginMethod method, LoginEnvironment environment, boolean device,
			BrowserLauncher browser) {
		server.stubFor(post("/token").withRequestBody(containing("grant_type=authorization_code"))
			.willReturn(okJson("{\"access_token\":\"browser-token\",\"token_type\":\"Bearer\"}")));
		server.stubFor(post("/token").withRequestBody(containing("device_code="))
			.willReturn(okJson("{\"access_token\":\"device-token\",\"token_type\":\"Bearer\"}")));
		server.stubFor(post("/device").willReturn(okJson("{\"device_code\":\"dc1\",\"user_code\":\"WDJB-MJHT\","
				+ "\"verification_uri\":\"https://example.com/device\",\"expires_in\":600}")));
		ClientConfig config = ClientConfig.withClientId("cli")
			.providerMetadata(metadata(device))
			.scopes("api")
			.loginTimeout(Duration.ofSeconds(10))
			.build();
		AuthorizationClient client = AuthorizationClient.withConfig(config).browserLauncher((uri) -> {
			this.opened.add(uri);
			return browser.open(uri);
		}).prompt(this.prompts::add).build();
		DeviceAuthorizationClient deviceClient = DeviceAuthorizationClient.withClient(client)
			.sleeper(this.time)
			.build();
		return InteractiveLogin.withClient(client)
			.method(method)
			.environment(environment)
			.deviceClient(deviceClient)
			.build();
	}

	private static CraftedCallbackBrowser signingIn() {
		return new CraftedCallbackBrowser((request) -> List.of("code=c1&state=" + request.get("state")));
	}

	/**
	 * A launcher that reports failure while the user opens the printed URL by hand.
	 */
	private static BrowserLauncher failingWhileTheUserOpensTheUrl() {
		return (uri) -> {
			Thread user = new Thread(() -> signingIn().open(uri));
			user.setDaemon(true);
			user.start();
			return false;
		};
	}

	private static int deviceRequests() {
		return server.findAll(postRequestedFor(urlEqualTo("/device"))).size();
	}

	@Test
	void autoOpensTheBrowserOnADesktop() {
		Credentials credentials = login(LoginMethod.AUTO, DESKTOP, true, signingIn()).login();
		assertThat(credentials.accessToken()).isEqualTo("browser-token");
		assertThat(this.opened).hasSize(1);
		assertThat(deviceRequests()).isZero();
		assertThat(this.prompts).singleElement()
			.asString()
			.startsWith("Opening the browser to sign in. If it does not open, visit this URL:");
	}

	@Test
	void autoTurnsToTheDeviceLoginWhenTheBrowserDoesNotOpen() {
		Credentials credentials = login(LoginMethod.AUTO, DESKTOP, true, BrowserLauncher.none()).login();
		assertThat(credentials.accessToken()).isEqualTo("device-token");
		assertThat(this.opened).hasSize(1);
		assertThat(this.prompts).hasSize(2);
		assertThat(this.prompts.get(0)).isEqualTo("No browser could be opened, so sign in with a code.");
		assertThat(this.prompts.get(1)).startsWith("To sign in, open this page in a browser on any device:");
	}

	@Test
	void autoPrintsTheUrlWhenTheBrowserDoesNotOpenAndTheServerHasNoDeviceLogin() {
		Credentials credentials = login(LoginMethod.AUTO, DESKTOP, false, failingWhileTheUserOpensTheUrl()).login();
		assertThat(credentials.accessToken()).isEqualTo("browser-token");
		assertThat(this.prompts).singleElement()
			.asString()
			.startsWith("No browser could be opened. To sign in, visit this URL in a browser on this machine:");
		assertThat(deviceRequests()).isZero();
	}

	@ParameterizedTest
	@MethodSource("environmentsWithoutBrowser")
	void autoUsesTheDeviceLoginWhereNoBrowserCanBeOpened(Map<String, String> variables, String os, String reason) {
		LoginEnvironment environment = LoginEnvironment.of(variables, Map.of("os.name", os));
		Credentials credentials = login(LoginMethod.AUTO, environment, true, signingIn()).login();
		assertThat(credentials.accessToken()).isEqualTo("device-token");
		assertThat(this.opened).isEmpty();
		assertThat(this.prompts.get(0))
			.isEqualTo("No browser can be opened here (" + reason + "), so sign in with a code.");
	}

	@Test
	void autoUsesTheDeviceLoginWhenJavaIsHeadless() {
		LoginEnvironment headless = LoginEnvironment.of(Map.of(),
				Map.of("os.name", "Windows 11", "java.awt.headless", "true"));
		assertThat(login(LoginMethod.AUTO, headless, true, signingIn()).login().accessToken())
			.isEqualTo("device-token");
		assertThat(this.opened).isEmpty();
	}

	@Test
	void autoFallsBackToTheBrowserLoginWhereNoBrowserCanBeOpenedAndTheServerHasNoDeviceLogin() {
		Credentials credentials = login(LoginMethod.AUTO, SSH, false, signingIn()).login();
		assertThat(credentials.accessToken()).isEqualTo("browser-token");
		assertThat(this.opened).hasSize(1);
		int port = URI.create(CraftedCallbackBrowser.parse(this.opened.get(0).getRawQuery()).get("redirect_uri"))
			.getPort();
		assertThat(this.prompts).hasSize(2);
		assertThat(this.prompts.get(0)).startsWith("Opening the browser to sign in.");
		assertThat(this.prompts.get(1)).isEqualTo("This is an SSH session: the browser must reach port " + port
				+ " of this machine. From the computer with the browser, forward it first, for example: ssh -L " + port
				+ ":127.0.0.1:" + port + " <this host>");
	}

	@Test
	void autoFallsBackToTheBrowserLoginWhenTheClientMayNotUseTheDeviceLogin() {
		InteractiveLogin login = login(LoginMethod.AUTO, SSH, true, signingIn());
		server.stubFor(post("/device").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"unauthorized_client\"}")));
		assertThat(login.login().accessToken()).isEqualTo("browser-token");
		assertThat(this.prompts.get(0))
			.isEqualTo("The authorization server refused a sign-in with a code (unauthorized_client), so sign in "
					+ "with the browser.");
	}

	@Test
	void autoReportsOtherDeviceLoginErrors() {
		InteractiveLogin login = login(LoginMethod.AUTO, SSH, true, signingIn());
		server.stubFor(post("/device").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(PkceException.class).isThrownBy(login::login)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE));
		assertThat(this.opened).isEmpty();
	}

	@Test
	void browserMethodIgnoresTheEnvironment() {
		assertThat(login(LoginMethod.BROWSER, SSH, true, signingIn()).login().accessToken()).isEqualTo("browser-token");
		assertThat(deviceRequests()).isZero();
	}

	@Test
	void deviceMethodIgnoresTheEnvironment() {
		assertThat(login(LoginMethod.DEVICE, DESKTOP, true, signingIn()).login().accessToken())
			.isEqualTo("device-token");
		assertThat(this.opened).isEmpty();
	}

	@Test
	void deviceMethodNeedsADeviceEndpoint() {
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> login(LoginMethod.DEVICE, DESKTOP, false, signingIn()).login())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("unsupported_grant_type"));
		assertThat(this.opened).isEmpty();
	}

	@Test
	void autoIsTheDefault() {
		AuthorizationClient client = AuthorizationClient
			.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata(true)).build())
			.build();
		assertThat(InteractiveLogin.withClient(client).build().getMethod()).isEqualTo(LoginMethod.AUTO);
	}

}
