package io.github.pkce;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures every log line of a full login and refresh, browser and device, at the most
 * verbose level, and looks for the secrets in it: tokens, the authorization code, the
 * PKCE verifier, the device code and the private DPoP key. The login uses a pushed
 * authorization request and DPoP, and an API call goes through the interceptor.
 */
class SecretsStayOutOfLogsTests {

	@Test
	void noTokenCodeOrVerifierIsLogged() throws Exception {
		List<String> secrets = new CopyOnWriteArrayList<>();
		List<String> lines = new CopyOnWriteArrayList<>();
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		LoggerContext context = root.getLoggerContext();
		AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
			@Override
			protected void append(ILoggingEvent event) {
				// the browser's and the server's own logs are not the client's: skip them
				if (event.getLoggerName().startsWith("org.htmlunit") || event.getThreadName().startsWith("http-nio")
						|| event.getLoggerName().startsWith("org.apache.http")) {
					return;
				}
				lines.add(event.getLoggerName() + ": " + event.getFormattedMessage()
						+ ((event.getThrowableProxy() != null) ? ThrowableProxyUtil.asString(event.getThrowableProxy())
								: ""));
			}
		};
		appender.setContext(context);
		appender.start();
		Level rootLevel = root.getLevel();
		Map<String, Level> levels = new java.util.HashMap<>();
		for (Logger logger : context.getLoggerList()) {
			levels.put(logger.getName(), logger.getLevel());
			if (logger != root) {
				logger.setLevel(null);
			}
		}
		// JUL as it was, to put back: the bridge is installed for this test only
		java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
		java.util.logging.Level julLevel = julRoot.getLevel();
		Handler[] julHandlers = julRoot.getHandlers();
		SLF4JBridgeHandler.removeHandlersForRootLogger();
		SLF4JBridgeHandler.install();
		julRoot.setLevel(java.util.logging.Level.ALL);
		root.setLevel(Level.ALL);
		root.addAppender(appender);
		try (EmbeddedAuthorizationServer server = EmbeddedAuthorizationServer.builder()
			.pushedAuthorizationRequests(true)
			.start()) {
			ClientConfig config = ClientConfig.withClientId(server.clientId())
				.issuerUri(server.issuer())
				.scopes("openid", "profile", "offline_access")
				.loginTimeout(Duration.ofSeconds(20))
				.build();
			RestClient recording = RestClient.builder().requestInterceptor((request, body, execution) -> {
				if (request.getURI().getPath().endsWith("/token")) {
					Map<String, String> form = LoginEndToEndTests
						.query("http://x/?" + new String(body, StandardCharsets.UTF_8));
					for (String name : List.of("code", "code_verifier", "refresh_token", "device_code")) {
						if (form.containsKey(name)) {
							secrets.add(form.get(name));
						}
					}
				}
				return execution.execute(request, body);
			}).build();
			AuthorizationClient client = AuthorizationClient.withConfig(config)
				.restClient(recording)
				.browserLauncher(ScriptedBrowser.signingInAs("alice", "password"))
				.prompt((text) -> {
				})
				.build();
			PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).build();
			Credentials login = authenticator.login();
			RestClient.builder()
				.requestInterceptor(
						new io.github.pkce.http.BearerTokenInterceptor(authenticator, List.of(server.issuer())))
				.build()
				.get()
				.uri(server.resourceUri())
				.retrieve()
				.toBodilessEntity();
			Credentials refreshed = authenticator.refreshCredentials();
			assertThat(login.isDpopBound()).isTrue();
			// the private part of the DPoP key
			secrets.add(tools.jackson.databind.json.JsonMapper.builder()
				.build()
				.readTree(login.dpopKey().toJwk())
				.get("d")
				.asString());
			for (Credentials credentials : List.of(login, refreshed)) {
				secrets.add(credentials.accessToken());
				secrets.add(credentials.refreshToken());
				secrets.add(credentials.idToken());
			}
			authenticator.logout();
			// the device grant refuses openid on this server
			AuthorizationClient deviceConfigured = AuthorizationClient
				.withConfig(ClientConfig.withClientId(server.clientId())
					.issuerUri(server.issuer())
					.scopes("profile", "offline_access")
					.build())
				.restClient(recording)
				.prompt((text) -> {
				})
				.build();
			ScriptedBrowser approver = ScriptedBrowser.signingInAs("alice", "password");
			List<DeviceVerification> verifications = new CopyOnWriteArrayList<>();
			DeviceAuthorizationClient device = DeviceAuthorizationClient.withClient(deviceConfigured)
				.verificationListener(verifications::add)
				.sleeper((duration) -> approver.completeDeviceAuthorization(verifications.get(0).uriToOpen()))
				.build();
			Credentials deviceLogin = device.login();
			Credentials deviceRefreshed = deviceConfigured.refresh(deviceLogin);
			// not a secret on screen, but it ties an approval to this device: not for
			// logs
			secrets.add(verifications.get(0).userCode());
			for (Credentials credentials : List.of(deviceLogin, deviceRefreshed)) {
				secrets.add(credentials.accessToken());
				secrets.add(credentials.refreshToken());
			}
		}
		finally {
			root.detachAppender(appender);
			root.setLevel(rootLevel);
			for (Logger logger : context.getLoggerList()) {
				if (logger != root) {
					logger.setLevel(levels.get(logger.getName()));
				}
			}
			for (Handler handler : julRoot.getHandlers()) {
				julRoot.removeHandler(handler);
			}
			for (Handler handler : julHandlers) {
				julRoot.addHandler(handler);
			}
			julRoot.setLevel(julLevel);
		}
		assertThat(julRoot.getHandlers()).containsExactly(julHandlers);
		assertThat(julRoot.getLevel()).isEqualTo(julLevel);
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(15).doesNotContainNull();
		assertThat(lines).as("something was logged at all").hasSizeGreaterThan(20);
		List<String> leaks = new ArrayList<>();
		for (String line : lines) {
			for (String secret : secrets) {
				if (line.contains(secret)) {
					leaks.add(line);
				}
			}
		}
		assertThat(leaks).isEmpty();
	}

}
