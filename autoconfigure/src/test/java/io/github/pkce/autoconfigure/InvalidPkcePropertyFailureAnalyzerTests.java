package io.github.pkce.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every wrong property fails the start-up with a report that names it and says what to
 * write.
 */
class InvalidPkcePropertyFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PkceAutoConfiguration.class, SslAutoConfiguration.class));

	@Test
	void analyzerIsRegistered() {
		// analyzers that need constructor arguments are skipped
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, failure) -> {
			}));
		assertThat(analyzers).hasAtLeastOneElementOfType(InvalidPkcePropertyFailureAnalyzer.class);
	}

	@Test
	void missingClientId() {
		FailureAnalysis analysis = analyze("auth.pkce.issuer-uri=https://login.example.com");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.client-id")
			.contains("Reason: it is not set")
			.doesNotContain("Value:");
		assertThat(analysis.getAction()).startsWith("Set auth.pkce.client-id to the client id of the public client");
	}

	@Test
	void missingClientIdOfANamedRegistration() {
		FailureAnalysis analysis = analyze("auth.pkce.registrations.work.issuer-uri=https://login.example.com");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.registrations.work.client-id");
		assertThat(analysis.getAction()).startsWith("Set auth.pkce.registrations.work.client-id to");
	}

	@Test
	void neitherIssuerNorEndpoints() {
		FailureAnalysis analysis = analyze("auth.pkce.client-id=cli");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.issuer-uri")
			.contains("Reason: neither it nor auth.pkce.authorization-uri and auth.pkce.token-uri are set");
		assertThat(analysis.getAction()).startsWith("Set auth.pkce.issuer-uri to the issuer of the authorization")
			.contains("or set both auth.pkce.authorization-uri and auth.pkce.token-uri");
	}

	@Test
	void authorizationUriWithoutTokenUri() {
		FailureAnalysis analysis = analyze("auth.pkce.client-id=cli",
				"auth.pkce.authorization-uri=https://login.example.com/authorize");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.token-uri");
		assertThat(analysis.getAction()).startsWith("Set auth.pkce.token-uri as well");
	}

	@Test
	void explicitEndpointWithDiscovery() {
		FailureAnalysis analysis = analyze("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://login.example.com",
				"auth.pkce.jwk-set-uri=https://login.example.com/jwks");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.jwk-set-uri")
			.contains("Value: \"https://login.example.com/jwks\"");
		assertThat(analysis.getAction()).startsWith("Remove auth.pkce.jwk-set-uri");
	}

	@Test
	void issuerThatIsNotAnHttpUri() {
		FailureAnalysis analysis = analyze("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=login.example.com");
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.issuer-uri")
			.contains("Value: \"login.example.com\"")
			.contains("Reason: it is not an absolute http or https URI");
		assertThat(analysis.getAction())
			.isEqualTo("Set auth.pkce.issuer-uri to a URI such as https://login.example.com.");
	}

	@Test
	void redirectUriThatIsNotLoopbackHttp() {
		for (String redirectUri : new String[] { "https://127.0.0.1/callback", "http://example.com/callback",
				"http://0.0.0.0:8080/callback" }) {
			FailureAnalysis analysis = analyze(minimal("auth.pkce.redirect-uri=" + redirectUri));
			assertThat(analysis.getDescription()).contains("Property: auth.pkce.redirect-uri")
				.contains("Value: \"" + redirectUri + "\"")
				.contains("Reason: it is not a loopback http URI");
			assertThat(analysis.getAction()).startsWith("Set auth.pkce.redirect-uri to http://127.0.0.1:0/callback");
		}
	}

	@Test
	void redirectUriWithAQuery() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.redirect-uri=http://127.0.0.1:0/callback?x=1"));
		assertThat(analysis.getDescription()).contains("Reason: a redirect URI cannot have a query or a fragment");
	}

	@Test
	void redirectUriWithUserInfoOrAPortAbove65535() {
		FailureAnalysis userInfo = analyze(minimal("auth.pkce.redirect-uri=http://u@127.0.0.1:0/cb"));
		assertThat(userInfo.getDescription()).contains("Property: auth.pkce.redirect-uri")
			.contains("Value: \"http://u@127.0.0.1:0/cb\"")
			.contains("Reason: it has user information before the host, which a redirect URI cannot have");
		assertThat(userInfo.getAction()).startsWith("Set auth.pkce.redirect-uri to http://127.0.0.1:0/callback");
		FailureAnalysis port = analyze(minimal("auth.pkce.redirect-uri=http://127.0.0.1:70000/cb"));
		assertThat(port.getDescription()).contains("Property: auth.pkce.redirect-uri")
			.contains("Value: \"http://127.0.0.1:70000/cb\"")
			.contains("Reason: its port 70000 is above 65535");
	}

	@Test
	void zeroOrNegativeLoginTimeout() {
		for (String timeout : new String[] { "0s", "-5s" }) {
			FailureAnalysis analysis = analyze(minimal("auth.pkce.login.timeout=" + timeout));
			assertThat(analysis.getDescription()).contains("Property: auth.pkce.login.timeout")
				.contains("Reason: it must be a positive duration");
			assertThat(analysis.getAction()).startsWith("Set auth.pkce.login.timeout to a duration such as 30s or 5m");
		}
	}

	@Test
	void negativeClockSkew() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.refresh.clock-skew=-1s"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.refresh.clock-skew")
			.contains("Reason: it must be zero or a positive duration");
	}

	@Test
	void zeroHttpTimeouts() {
		assertThat(analyze(minimal("auth.pkce.http.connect-timeout=0ms")).getDescription())
			.contains("Property: auth.pkce.http.connect-timeout");
		assertThat(analyze(minimal("auth.pkce.http.read-timeout=-1s")).getDescription())
			.contains("Property: auth.pkce.http.read-timeout");
	}

	@Test
	void zeroKeyringTimeout() {
		assertThat(analyze(minimal("auth.pkce.store.keyring-timeout=0s")).getDescription())
			.contains("Property: auth.pkce.store.keyring-timeout");
	}

	@Test
	void storeNameThatIsNotAFileName() {
		for (String name : new String[] { "acme/cli", "acme:cli", ".." }) {
			FailureAnalysis analysis = analyze(minimal("auth.pkce.store.name=" + name));
			assertThat(analysis.getDescription()).contains("Property: auth.pkce.store.name")
				.contains("Value: \"" + name + "\"")
				.contains("Reason: it is not a single file name, but it names the keyring service and the file "
						+ "store's directory");
			assertThat(analysis.getAction()).startsWith("Set auth.pkce.store.name to a name without '/', '\\' or ':'");
		}
	}

	@Test
	void unknownSslBundle() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.http.ssl-bundle=corporate"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.http.ssl-bundle")
			.contains("Value: \"corporate\"")
			.contains("Reason: there is no SSL bundle with that name (none is defined)");
		assertThat(analysis.getAction())
			.startsWith("Define the bundle under spring.ssl.bundle.pem.corporate or spring.ssl.bundle.jks.corporate");
	}

	@Test
	void insecureWithAnSslBundle() {
		FailureAnalysis analysis = analyze(
				minimal("auth.pkce.http.ssl-bundle=corporate", "auth.pkce.http.insecure-skip-tls-verify=true"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.http.insecure-skip-tls-verify");
	}

	@Test
	void browserCommandMissing() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.login.browser=command"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.login.browser-command")
			.contains("Reason: it is not set, but auth.pkce.login.browser is 'command'");
		assertThat(analysis.getAction()).contains("firefox,--new-window");
	}

	@Test
	void missingSuccessPage() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.login.success-page=classpath:no/such/page.html"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.login.success-page")
			.contains("Reason: the resource does not exist");
	}

	@Test
	void additionalOriginsWithoutEndpoint() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.additional-origins=https://files.example.com"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.additional-origins");
		assertThat(analysis.getAction()).startsWith("Set auth.pkce.endpoint to the URI of the service");
	}

	@Test
	void endpointThatIsNotAnHttpUri() {
		assertThat(analyze(minimal("auth.pkce.endpoint=/api")).getDescription())
			.contains("Property: auth.pkce.endpoint");
	}

	@Test
	void blankHeaderName() {
		assertThat(analyze(minimal("auth.pkce.header-name=")).getDescription())
			.contains("Property: auth.pkce.header-name");
	}

	@Test
	void reservedExtraParameter() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.authorization-parameters.state=fixed"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.authorization-parameters")
			.contains("Reason: extra authorization parameter 'state' cannot be set");
		assertThat(analysis.getAction()).isEqualTo("Remove the parameter from auth.pkce.authorization-parameters.");
	}

	@Test
	void flatFormAndRegistrationNamedDefault() {
		FailureAnalysis analysis = analyze(minimal("auth.pkce.registrations.default.client-id=other",
				"auth.pkce.registrations.default.issuer-uri=https://other.example.com"));
		assertThat(analysis.getDescription()).contains("Property: auth.pkce.registrations.default");
	}

	private static String[] minimal(String... more) {
		String[] properties = new String[more.length + 2];
		properties[0] = "auth.pkce.client-id=cli";
		properties[1] = "auth.pkce.issuer-uri=https://login.example.com";
		System.arraycopy(more, 0, properties, 2, more.length);
		return properties;
	}

	private FailureAnalysis analyze(String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new InvalidPkcePropertyFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("failure analysis").isNotNull();
		return analysis[0];
	}

}
