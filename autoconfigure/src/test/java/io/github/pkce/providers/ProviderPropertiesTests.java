package io.github.pkce.providers;

import java.io.File;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.pkce.ClientAuthentication;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Provider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider properties: what each needs, what it refuses, and that everything the
 * provider sets can be overridden.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderPropertiesTests {

	private static ApplicationContextRunner program(String... properties) {
		return ProviderApps.program(new RedirectingBrowser((request) -> ""), properties);
	}

	@Test
	void everythingTheProviderSetsCanBeOverridden() {
		program("auth.pkce.provider=google", "auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://idp.example.com",
				"auth.pkce.scopes=openid,https://www.googleapis.com/auth/drive.readonly",
				"auth.pkce.authorization-parameters.prompt=select_account",
				"auth.pkce.authorization-parameters.login_hint=alice@gmail.com",
				"auth.pkce.redirect-uri=http://[::1]:8400/cb", "auth.pkce.client-secret=s3cr3t",
				"auth.pkce.client-authentication-method=client_secret_basic")
			.run((context) -> {
				ClientConfig config = context.getBean(ClientConfigStore.class).get("default");
				assertThat(config.getProvider()).isEqualTo(Provider.GOOGLE);
				assertThat(config.getIssuerUri()).hasToString("https://idp.example.com");
				assertThat(config.getScopes()).containsExactly("openid",
						"https://www.googleapis.com/auth/drive.readonly");
				assertThat(config.getAuthorizationParameters()).containsEntry("access_type", "offline")
					.containsEntry("prompt", "select_account")
					.containsEntry("login_hint", "alice@gmail.com");
				assertThat(config.getRedirectUri()).hasToString("http://[::1]:8400/cb");
				assertThat(config.getClientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_BASIC);
			});
	}

	@Test
	void providerAloneConfiguresTheRegistrationAndAsksForTheClientId() {
		program("auth.pkce.provider=google").run((context) -> assertThat(context).getFailure()
			.hasMessageContaining("Invalid property auth.pkce.client-id: it is not set."));
	}

	@Test
	void domainIsRequiredUnlessTheIssuerIsGiven() {
		program("auth.pkce.provider=auth0", "auth.pkce.client-id=cli").run((context) -> assertThat(context).getFailure()
			.hasMessageContaining("Invalid property auth.pkce.domain: it is not set, but provider auth0 needs it to "
					+ "find the issuer. Set auth.pkce.domain to the host of your auth0 tenant, such as "
					+ "dev-abc123.us.auth0.com, or set auth.pkce.issuer-uri."));
		program("auth.pkce.provider=okta", "auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://dev-1.okta.com")
			.run((context) -> assertThat(context.getBean(ClientConfigStore.class).get("default").getIssuerUri())
				.hasToString("https://dev-1.okta.com"));
	}

	@Test
	void placeholderOfAnotherProviderIsRefused() {
		program("auth.pkce.provider=google", "auth.pkce.client-id=cli", "auth.pkce.tenant=organizations")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("Invalid property auth.pkce.tenant 'organizations': provider google does not use "
						+ "it. Remove auth.pkce.tenant, or set auth.pkce.provider to one that uses it (microsoft)."));
		program("auth.pkce.provider=auth0", "auth.pkce.client-id=cli", "auth.pkce.domain=https://x.auth0.com/")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("Invalid property auth.pkce.domain 'https://x.auth0.com/': the domain "
						+ "'https://x.auth0.com/' is not a host name such as login.example.com (no scheme, no path)."));
	}

	@Test
	void clientAuthenticationMethodNeedsASecretAndTheSecretIsNeverShown(CapturedOutput output) {
		program("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://idp.example.com",
				"auth.pkce.client-authentication-method=client_secret_post")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("Invalid property auth.pkce.client-authentication-method 'CLIENT_SECRET_POST': "
						+ "it is set, but auth.pkce.client-secret is not."));
		program("auth.pkce.client-id=cli", "auth.pkce.issuer-uri=https://idp.example.com",
				"auth.pkce.client-secret=very-s3cret", "auth.pkce.redirect-uri=https://example.com/cb")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("auth.pkce.redirect-uri"));
		assertThat(output).doesNotContain("very-s3cret");
	}

	@Test
	void providerAndClientAuthenticationMethodHaveValueHints() {
		JsonNode metadata = new ObjectMapper()
			.readTree(new File("target/classes/META-INF/spring-configuration-metadata.json"));
		TreeMap<String, Set<String>> hints = new TreeMap<>();
		for (JsonNode hint : metadata.get("hints")) {
			Set<String> values = new TreeSet<>();
			hint.get("values").forEach((value) -> values.add(value.get("value").asString()));
			hints.put(hint.get("name").asString(), values);
		}
		assertThat(hints)
			.containsEntry("auth.pkce.provider", Set.of("google", "microsoft", "auth0", "okta", "keycloak", "github"))
			.containsEntry("auth.pkce.client-authentication-method",
					Set.of("client_secret_basic", "client_secret_post"))
			.containsEntry("auth.pkce.tenant", Set.of("common", "organizations", "consumers"));
	}

}
