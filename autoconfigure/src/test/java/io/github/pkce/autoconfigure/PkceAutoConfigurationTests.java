package io.github.pkce.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.github.pkce.store.CredentialKeys;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.PkceException;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.browser.CommandBrowserLauncher;
import io.github.pkce.browser.SystemBrowserLauncher;
import io.github.pkce.loopback.EndpointMetadata;
import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.CachingCredentialStore;
import io.github.pkce.store.InMemoryCredentialStore;
import io.github.pkce.store.StoreType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(OutputCaptureExtension.class)
class PkceAutoConfigurationTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"))
		.build();

	private static final String[] MINIMAL = { "auth.pkce.client-id=cli",
			"auth.pkce.issuer-uri=https://login.example.com" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PkceAutoConfiguration.class));

	@Test
	void withoutAnyPropertyNothingIsConfiguredAndTheApplicationStarts() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PkceProperties.class);
			assertThat(context).doesNotHaveBean(ClientConfigStore.class);
			assertThat(context).doesNotHaveBean(CredentialStore.class);
			assertThat(context).doesNotHaveBean(PkceAuthenticator.class);
			assertThat(context).doesNotHaveBean(PkceAuthenticators.class);
		});
	}

	@Test
	void sharedSettingsAloneConfigureNothing() {
		this.contextRunner.withPropertyValues("auth.pkce.store.type=file", "auth.pkce.login.browser=none")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PkceAuthenticators.class));
	}

	@Test
	void enabledFalseConfiguresNothing() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PkceAuthenticators.class));
	}

	@Test
	void memoryStoreTypeKeepsCredentialsInMemory() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.store.type=memory")
			.run((context) -> assertThat(
					((CachingCredentialStore) context.getBean(CredentialStore.class)).getDelegate())
				.isInstanceOf(InMemoryCredentialStore.class));
	}

	@Test
	void applicationNameThatCannotNameADirectoryKeepsTheDefaultStoreName() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("spring.application.name=acme:cli", "auth.pkce.store.type=keyring")
			.run((context) -> assertThat(
					io.github.pkce.store.CredentialStores.describe(context.getBean(CredentialStore.class)))
				.isEqualTo("system keyring (service pkce-spring-boot)"));
	}

	@Test
	void fileStoreTypeWritesOwnerOnlyFilesInTheConfiguredDirectory(
			@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.store.type=file", "auth.pkce.store.directory=" + directory)
			.run((context) -> {
				PkceAuthenticator authenticator = context.getBean(PkceAuthenticator.class);
				context.getBean(CredentialStore.class)
					.save(authenticator.getStoreKey(),
							new io.github.pkce.Credentials("at", "Bearer", null, null, null, java.util.Set.of()));
				assertThat(directory).isDirectoryContaining("glob:**/credentials-*.json");
				assertThat(authenticator.currentCredentials().accessToken()).isEqualTo("at");
			});
	}

	@Test
	void dpopAndPushedAuthorizationRequestsAreSetPerRegistration() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.dpop=always", "auth.pkce.par=never",
					"auth.pkce.registrations.work.client-id=work-cli",
					"auth.pkce.registrations.work.issuer-uri=https://work.example.com",
					"auth.pkce.registrations.work.dpop=never")
			.run((context) -> {
				ClientConfigStore configs = context.getBean(ClientConfigStore.class);
				assertThat(configs.get("default").getDpop()).isEqualTo(io.github.pkce.DpopMode.ALWAYS);
				assertThat(configs.get("default").getPar()).isEqualTo(io.github.pkce.ParMode.NEVER);
				assertThat(configs.get("work").getDpop()).isEqualTo(io.github.pkce.DpopMode.NEVER);
				assertThat(configs.get("work").getPar()).isEqualTo(io.github.pkce.ParMode.AUTO);
			});
	}

	@Test
	void anUnknownDpopModeFailsTheStartNamingTheProperty() {
		this.contextRunner.withPropertyValues(MINIMAL).withPropertyValues("auth.pkce.dpop=sometimes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sometimes");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("auth.pkce.dpop");
		});
	}

	@Test
	void clientIdAndIssuerConfigureEveryBeanWithDefaults() {
		this.contextRunner.withPropertyValues(MINIMAL).run((context) -> {
			assertThat(context).hasSingleBean(ClientConfigStore.class);
			// auto: the keyring when it works, else the file store; chosen at the first
			// use, not at start-up
			assertThat(context).getBean(CredentialStore.class)
				.isInstanceOf(CachingCredentialStore.class)
				.hasToString("CachingCredentialStore[AutoCredentialStore[not chosen yet]]");
			assertThat(context).getBean(BrowserLauncher.class).isInstanceOf(SystemBrowserLauncher.class);
			assertThat(context).getBean(EndpointMetadata.class).isSameAs(EndpointMetadata.defaults());
			assertThat(context).hasSingleBean(PkceAuthenticator.class);
			assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
			ClientConfig config = context.getBean(ClientConfigStore.class).get("default");
			assertThat(config.getClientId()).isEqualTo("cli");
			assertThat(config.getIssuerUri()).hasToString("https://login.example.com");
			assertThat(config.getProviderMetadata()).isNull();
			assertThat(config.getRedirectUri()).isEqualTo(ClientConfig.DEFAULT_REDIRECT_URI);
			assertThat(config.getScopes()).isEmpty();
			assertThat(config.getLoginTimeout()).isEqualTo(Duration.ofMinutes(5));
			assertThat(config.getDpop()).isEqualTo(io.github.pkce.DpopMode.AUTO);
			assertThat(config.getPar()).isEqualTo(io.github.pkce.ParMode.AUTO);
			assertThat(config.getClockSkew()).isEqualTo(Duration.ofSeconds(60));
			PkceAuthenticators authenticators = context.getBean(PkceAuthenticators.class);
			assertThat(authenticators.names()).containsExactly("default");
			assertThat(authenticators.get("default")).isSameAs(context.getBean(PkceAuthenticator.class));
			assertThat(context.getBean(PkceAuthenticator.class).getStoreKey())
				.isEqualTo(CredentialKeys.of("https://login.example.com", "cli", null));
		});
	}

	@Test
	void startupMakesNoNetworkCall() {
		this.contextRunner.withPropertyValues("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=" + httpBase())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PkceAuthenticator.class);
				assertThat(server.getAllServeEvents()).isEmpty();
			});
	}

	@Test
	void browserCommandAloneIsUsedByTheAutoBrowser() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.login.browser-command=firefox,--new-window")
			.run((context) -> assertThat(context).getBean(BrowserLauncher.class)
				.isInstanceOf(CommandBrowserLauncher.class));
	}

	@Test
	void systemBrowserIgnoresTheBrowserCommand() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.login.browser=system", "auth.pkce.login.browser-command=firefox")
			.run((context) -> assertThat(context).getBean(BrowserLauncher.class)
				.isInstanceOf(SystemBrowserLauncher.class));
	}

	@Test
	void clientConfigStoreBacksOff() {
		ClientConfigStore own = ClientConfigStore.of(Map.of("default",
				ClientConfig.withClientId("own").issuerUri(URI.create("https://own.example.com")).build()));
		this.contextRunner.withPropertyValues(MINIMAL).withBean(ClientConfigStore.class, () -> own).run((context) -> {
			assertThat(context).getBean(ClientConfigStore.class).isSameAs(own);
			assertThat(context.getBean(PkceAuthenticator.class).getStoreKey())
				.isEqualTo(CredentialKeys.of("https://own.example.com", "own", null));
		});
	}

	@Test
	void credentialStoreBacksOff() {
		CredentialStore own = new InMemoryCredentialStore();
		this.contextRunner.withPropertyValues(MINIMAL)
			.withBean("myStore", CredentialStore.class, () -> own)
			.run((context) -> assertThat(context).getBean(CredentialStore.class).isSameAs(own));
	}

	@Test
	void browserLauncherBacksOff() {
		BrowserLauncher own = (uri) -> true;
		this.contextRunner.withPropertyValues(MINIMAL)
			.withBean(BrowserLauncher.class, () -> own)
			.run((context) -> assertThat(context).getBean(BrowserLauncher.class).isSameAs(own));
	}

	@Test
	void endpointMetadataBacksOff() {
		EndpointMetadata own = EndpointMetadata.defaults().withSuccessPage("<p>ok</p>");
		this.contextRunner.withPropertyValues(MINIMAL)
			.withBean(EndpointMetadata.class, () -> own)
			.run((context) -> assertThat(context).getBean(EndpointMetadata.class).isSameAs(own));
	}

	@Test
	void pkceAuthenticatorBacksOffAndIsTheDefaultOfTheRegistry() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.registrations.work.client-id=work",
					"auth.pkce.registrations.work.issuer-uri=https://work.example.com")
			.withBean("ownAuthenticator", PkceAuthenticator.class, PkceAutoConfigurationTests::ownAuthenticator)
			.run((context) -> {
				assertThat(context).hasSingleBean(PkceAuthenticator.class).hasBean("ownAuthenticator");
				PkceAuthenticators authenticators = context.getBean(PkceAuthenticators.class);
				assertThat(authenticators.get("default")).isSameAs(context.getBean(PkceAuthenticator.class));
				assertThat(authenticators.get("work").getStoreKey())
					.isEqualTo(CredentialKeys.of("https://work.example.com", "work", null));
			});
	}

	@Test
	void pkceAuthenticatorsBacksOff() {
		PkceAuthenticators own = PkceAuthenticators.of(Map.of());
		this.contextRunner.withPropertyValues(MINIMAL)
			.withBean(PkceAuthenticators.class, () -> own)
			.run((context) -> assertThat(context).getBean(PkceAuthenticators.class).isSameAs(own));
	}

	@Test
	void restClientCustomizerBacksOff() {
		RestClientCustomizer own = (builder) -> {
		};
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.endpoint=https://api.example.com")
			.withBean("pkceRestClientCustomizer", RestClientCustomizer.class, () -> own)
			.run((context) -> assertThat(context).getBean(RestClientCustomizer.class).isSameAs(own));
	}

	@Test
	void restClientCustomizerIsAddedOnlyWithAnEndpoint() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.run((context) -> assertThat(context).doesNotHaveBean("pkceRestClientCustomizer"));
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.endpoint=https://api.example.com")
			.run((context) -> {
				assertThat(context).hasBean("pkceRestClientCustomizer");
				assertThat(context.getBean(PkceAuthenticator.class).getStoreKey())
					.isEqualTo(CredentialKeys.of("https://login.example.com", "cli", "https://api.example.com"));
			});
	}

	@Test
	void everyPropertyIsBound() {
		this.contextRunner
			.withPropertyValues("auth.pkce.enabled=true", "auth.pkce.client-id=cli",
					"auth.pkce.issuer-uri=https://login.example.com/realms/acme",
					"auth.pkce.authorization-uri=https://login.example.com/authorize",
					"auth.pkce.token-uri=https://login.example.com/token",
					"auth.pkce.jwk-set-uri=https://login.example.com/jwks",
					"auth.pkce.revocation-uri=https://login.example.com/revoke",
					"auth.pkce.device-authorization-uri=https://login.example.com/device",
					"auth.pkce.redirect-uri=http://[::1]:8765/cb", "auth.pkce.scopes=openid,profile,api.read",
					"auth.pkce.audience=https://api.example.com", "auth.pkce.authorization-parameters.prompt=login",
					"auth.pkce.authorization-parameters.ui_locales=fr", "auth.pkce.token-parameters.resource=urn:api",
					"auth.pkce.refresh-parameters.resource=urn:refresh",
					"auth.pkce.repeat-authorization-parameters-in-token-request=true",
					"auth.pkce.endpoint=https://api.example.com/v1",
					"auth.pkce.additional-origins=https://files.example.com,https://upload.example.com:8443",
					"auth.pkce.header-name=X-Auth", "auth.pkce.login.timeout=90s", "auth.pkce.login.browser=command",
					"auth.pkce.login.browser-command=firefox,--new-window", "auth.pkce.login.on-demand=false",
					"auth.pkce.login.success-page=classpath:pages/success.html",
					"auth.pkce.login.failure-page=classpath:pages/failure.html", "auth.pkce.refresh.clock-skew=10s",
					"auth.pkce.store.type=memory", "auth.pkce.store.directory=/tmp/pkce", "auth.pkce.store.name=my-cli",
					"auth.pkce.store.keyring-timeout=1500ms", "auth.pkce.http.connect-timeout=2s",
					"auth.pkce.http.read-timeout=7s", "auth.pkce.http.insecure-skip-tls-verify=false",
					"auth.pkce.shell.enabled=false", "auth.pkce.registrations.work.client-id=work-cli",
					"auth.pkce.registrations.work.issuer-uri=https://work.example.com",
					"auth.pkce.registrations.work.scopes=openid", "auth.pkce.registrations.work.login.timeout=1m",
					"auth.pkce.registrations.work.login.on-demand=false",
					"auth.pkce.registrations.work.refresh.clock-skew=0s",
					"auth.pkce.registrations.work.endpoint=https://work-api.example.com",
					"auth.pkce.registrations.work.token-parameters.tenant=7")
			.run((context) -> {
				PkceProperties properties = context.getBean(PkceProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getClientId()).isEqualTo("cli");
				assertThat(properties.getIssuerUri()).hasToString("https://login.example.com/realms/acme");
				assertThat(properties.getAuthorizationUri()).hasToString("https://login.example.com/authorize");
				assertThat(properties.getTokenUri()).hasToString("https://login.example.com/token");
				assertThat(properties.getJwkSetUri()).hasToString("https://login.example.com/jwks");
				assertThat(properties.getRevocationUri()).hasToString("https://login.example.com/revoke");
				assertThat(properties.getDeviceAuthorizationUri()).hasToString("https://login.example.com/device");
				assertThat(properties.getRedirectUri()).hasToString("http://[::1]:8765/cb");
				assertThat(properties.getScopes()).containsExactly("openid", "profile", "api.read");
				assertThat(properties.getAudience()).isEqualTo("https://api.example.com");
				assertThat(properties.getAuthorizationParameters()).containsExactly(Map.entry("prompt", "login"),
						Map.entry("ui_locales", "fr"));
				assertThat(properties.getTokenParameters()).containsExactly(Map.entry("resource", "urn:api"));
				assertThat(properties.getRefreshParameters()).containsExactly(Map.entry("resource", "urn:refresh"));
				assertThat(properties.isRepeatAuthorizationParametersInTokenRequest()).isTrue();
				assertThat(properties.getEndpoint()).hasToString("https://api.example.com/v1");
				assertThat(properties.getAdditionalOrigins()).containsExactly(URI.create("https://files.example.com"),
						URI.create("https://upload.example.com:8443"));
				assertThat(properties.getHeaderName()).isEqualTo("X-Auth");
				assertThat(properties.getLogin().getTimeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.getLogin().getBrowser()).isEqualTo(PkceProperties.Browser.COMMAND);
				assertThat(properties.getLogin().getBrowserCommand()).containsExactly("firefox", "--new-window");
				assertThat(properties.getLogin().isOnDemand()).isFalse();
				assertThat(properties.getLogin().getSuccessPage()).isNotNull();
				assertThat(properties.getLogin().getFailurePage()).isNotNull();
				assertThat(properties.getRefresh().getClockSkew()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getStore().getType()).isEqualTo(StoreType.MEMORY);
				assertThat(properties.getStore().getDirectory()).hasToString("/tmp/pkce");
				assertThat(properties.getStore().getName()).isEqualTo("my-cli");
				assertThat(properties.getStore().getKeyringTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(properties.getHttp().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getHttp().getReadTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(properties.getHttp().isInsecureSkipTlsVerify()).isFalse();
				assertThat(properties.getShell().isEnabled()).isFalse();
				PkceRegistrationProperties work = properties.getRegistrations().get("work");
				assertThat(work.getClientId()).isEqualTo("work-cli");
				assertThat(work.getIssuerUri()).hasToString("https://work.example.com");
				assertThat(work.getScopes()).containsExactly("openid");
				assertThat(work.getLogin().getTimeout()).isEqualTo(Duration.ofMinutes(1));
				assertThat(work.getLogin().isOnDemand()).isFalse();
				assertThat(work.getRefresh().getClockSkew()).isZero();
				assertThat(work.getEndpoint()).hasToString("https://work-api.example.com");
				assertThat(work.getTokenParameters()).containsExactly(Map.entry("tenant", "7"));
				assertThat(work.getRedirectUri()).isEqualTo(ClientConfig.DEFAULT_REDIRECT_URI);
				assertThat(work.getHeaderName()).isEqualTo("Authorization");

				ClientConfigStore configs = context.getBean(ClientConfigStore.class);
				assertThat(configs.names()).containsExactly("default", "work");
				ClientConfig config = configs.get("default");
				assertThat(config.getIssuerUri()).hasToString("https://login.example.com/realms/acme");
				assertThat(config.getProviderMetadata()).isNotNull().satisfies((metadata) -> {
					assertThat(metadata.getIssuer()).isEqualTo("https://login.example.com/realms/acme");
					assertThat(metadata.getAuthorizationEndpoint()).hasToString("https://login.example.com/authorize");
					assertThat(metadata.getTokenEndpoint()).hasToString("https://login.example.com/token");
					assertThat(metadata.getJwkSetUri()).hasToString("https://login.example.com/jwks");
					assertThat(metadata.getRevocationEndpoint()).hasToString("https://login.example.com/revoke");
					assertThat(metadata.getDeviceAuthorizationEndpoint())
						.hasToString("https://login.example.com/device");
				});
				assertThat(config.getRedirectUri()).hasToString("http://[::1]:8765/cb");
				assertThat(config.getScopes()).containsExactly("openid", "profile", "api.read");
				assertThat(config.getAudience()).isEqualTo("https://api.example.com");
				assertThat(config.getAuthorizationParameters()).containsEntry("prompt", "login");
				assertThat(config.getTokenParameters()).containsEntry("resource", "urn:api");
				assertThat(config.getRefreshParameters()).containsEntry("resource", "urn:refresh");
				assertThat(config.isRepeatAuthorizationParametersInTokenRequest()).isTrue();
				assertThat(config.getLoginTimeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(config.getClockSkew()).isEqualTo(Duration.ofSeconds(10));
				ClientConfig workConfig = configs.get("work");
				assertThat(workConfig.getClientId()).isEqualTo("work-cli");
				assertThat(workConfig.getClockSkew()).isZero();
				assertThat(workConfig.getTokenParameters()).containsEntry("tenant", "7");

				assertThat(context).getBean(BrowserLauncher.class).isInstanceOf(CommandBrowserLauncher.class);
				EndpointMetadata pages = context.getBean(EndpointMetadata.class);
				assertThat(pages.successPage()).contains("Custom success");
				assertThat(pages.failurePage("access_denied", "no")).contains("Custom failure: access_denied");
				PkceAuthenticators authenticators = context.getBean(PkceAuthenticators.class);
				assertThat(authenticators.get("default").getStoreKey()).isEqualTo(CredentialKeys
					.of("https://login.example.com/realms/acme", "cli", "https://api.example.com/v1"));
				assertThat(authenticators.get("work").getStoreKey()).isEqualTo(
						CredentialKeys.of("https://work.example.com", "work-cli", "https://work-api.example.com"));
			});
	}

	@Test
	void namedRegistrationsWithoutTheFlatFormHaveNoDefaultAuthenticator() {
		this.contextRunner
			.withPropertyValues("auth.pkce.registrations.work.client-id=work",
					"auth.pkce.registrations.work.issuer-uri=https://work.example.com",
					"auth.pkce.registrations.home.client-id=home",
					"auth.pkce.registrations.home.issuer-uri=https://home.example.com")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PkceAuthenticator.class);
				PkceAuthenticators authenticators = context.getBean(PkceAuthenticators.class);
				assertThat(authenticators.names()).containsExactlyInAnyOrder("work", "home");
				assertThatIllegalArgumentException().isThrownBy(() -> authenticators.get("default"))
					.withMessageStartingWith("No registration named 'default'. Known registrations: ");
			});
	}

	@Test
	void registrationNamedDefaultIsTheDefault() {
		this.contextRunner
			.withPropertyValues("auth.pkce.registrations.default.client-id=cli",
					"auth.pkce.registrations.default.issuer-uri=https://login.example.com",
					"auth.pkce.registrations.default.endpoint=https://api.example.com")
			.run((context) -> {
				assertThat(context).hasSingleBean(PkceAuthenticator.class).hasBean("pkceRestClientCustomizer");
				assertThat(context.getBean(PkceAuthenticator.class).getStoreKey())
					.isEqualTo(CredentialKeys.of("https://login.example.com", "cli", "https://api.example.com"));
			});
	}

	@Test
	void environmentVariablesConfigureRegistrations() {
		Map<String, Object> variables = Map.of("AUTH_PKCE_CLIENTID", "cli", "AUTH_PKCE_ISSUERURI",
				"https://login.example.com", "AUTH_PKCE_REGISTRATIONS_WORK_CLIENTID", "work",
				"AUTH_PKCE_REGISTRATIONS_WORK_ISSUERURI", "https://work.example.com");
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
			.run((context) -> {
				assertThat(context).hasSingleBean(PkceAuthenticator.class);
				assertThat(context.getBean(PkceAuthenticators.class).names()).containsExactly("default", "work");
			});
	}

	@Test
	void bearerTokenGoesToTheEndpointOnlyAndNeverToTheAuthorizationServer() {
		server.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"fresh\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt2\"}")));
		server.stubFor(get("/api/things").willReturn(okJson("[]")));
		String base = httpBase();
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, SslAutoConfiguration.class))
			.withBean(CredentialStore.class, () -> store)
			.withPropertyValues("auth.pkce.client-id=cli", "auth.pkce.authorization-uri=" + base + "/authorize",
					"auth.pkce.token-uri=" + base + "/token", "auth.pkce.endpoint=" + base + "/api",
					"auth.pkce.login.on-demand=false")
			.run((context) -> {
				PkceAuthenticator authenticator = context.getBean(PkceAuthenticator.class);
				store.save(authenticator.getStoreKey(),
						new Credentials("stale", "Bearer", Instant.now().minusSeconds(60), "rt1", null, Set.of()));
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				restClient.get().uri(base + "/api/things").retrieve().toBodilessEntity();
				server.verify(getRequestedFor(urlEqualTo("/api/things")).withHeader("Authorization",
						equalTo("Bearer fresh")));
				// the refresh went to the same origin, without a bearer token
				server.verify(postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", absent()));
				RestClient.create().get().uri(base + "/api/things").retrieve().toBodilessEntity();
				server.verify(getRequestedFor(urlEqualTo("/api/things")).withHeader("Authorization", absent()));
			});
	}

	@Test
	void insecureSkipTlsVerifyTrustsASelfSignedServerAndWarns(CapturedOutput output) {
		server.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"fresh\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt2\"}")));
		String base = "https://127.0.0.1:" + server.getHttpsPort();
		String[] properties = { "auth.pkce.client-id=cli", "auth.pkce.authorization-uri=" + base + "/authorize",
				"auth.pkce.token-uri=" + base + "/token", "auth.pkce.login.on-demand=false" };
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(output).doesNotContain("insecure-skip-tls-verify");
			PkceAuthenticator authenticator = seedExpired(context.getBean(PkceAuthenticator.class),
					context.getBean(CredentialStore.class));
			assertThatExceptionOfType(PkceException.class).isThrownBy(authenticator::credentials)
				.withMessageContaining("could not be reached");
		});
		this.contextRunner.withPropertyValues(properties)
			.withPropertyValues("auth.pkce.http.insecure-skip-tls-verify=true")
			.run((context) -> {
				assertThat(output).contains("auth.pkce.http.insecure-skip-tls-verify=true").contains("NOT checked");
				PkceAuthenticator authenticator = seedExpired(context.getBean(PkceAuthenticator.class),
						context.getBean(CredentialStore.class));
				assertThat(authenticator.credentials().accessToken()).isEqualTo("fresh");
			});
	}

	@Test
	void definedSslBundleIsUsed() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.http.ssl-bundle=corporate",
					"spring.ssl.bundle.jks.corporate.truststore.location=file:" + System.getProperty("java.home")
							+ "/lib/security/cacerts",
					"spring.ssl.bundle.jks.corporate.truststore.password=changeit")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(PkceAuthenticator.class));
	}

	@Test
	void withoutSpringShellThereAreNoCommands() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(io.github.pkce.shell.PkceShellAutoConfiguration.class))
			.withPropertyValues(MINIMAL)
			.withClassLoader(new FilteredClassLoader("org.springframework.shell"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PkceAuthenticator.class);
				assertThat(context).doesNotHaveBean("pkceAuthCommands").doesNotHaveBean("pkceAuthLoginCommand");
			});
	}

	@Test
	void withoutJavaKeyringTheApplicationStarts() {
		for (String type : new String[] { "memory", "file", "auto" }) {
			this.contextRunner.withPropertyValues(MINIMAL)
				.withPropertyValues("auth.pkce.store.type=" + type)
				.withClassLoader(new FilteredClassLoader("com.github.javakeyring"))
				.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(CredentialStore.class));
		}
	}

	@Test
	void withoutSpringBootRestClientThereIsNoCustomizer() {
		this.contextRunner.withPropertyValues(MINIMAL)
			.withPropertyValues("auth.pkce.endpoint=https://api.example.com")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PkceAuthenticator.class);
				assertThat(context).doesNotHaveBean("pkceRestClientCustomizer");
			});
	}

	private static String httpBase() {
		return "http://127.0.0.1:" + server.getPort();
	}

	private static PkceAuthenticator seedExpired(PkceAuthenticator authenticator, CredentialStore store) {
		store.save(authenticator.getStoreKey(),
				new Credentials("stale", "Bearer", Instant.now().minusSeconds(60), "rt1", null, Set.of()));
		return authenticator;
	}

	private static PkceAuthenticator ownAuthenticator() {
		ClientConfig config = ClientConfig.withClientId("own").issuerUri(URI.create("https://own.example.com")).build();
		return PkceAuthenticator.withClient(io.github.pkce.AuthorizationClient.withConfig(config).build()).build();
	}

}
