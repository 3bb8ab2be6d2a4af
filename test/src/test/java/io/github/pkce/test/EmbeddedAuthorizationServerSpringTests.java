package io.github.pkce.test;

import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.browser.BrowserLauncher;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EmbeddedAuthorizationServerTest} in a Spring Boot test: the application is
 * pointed at the server, signs in through the scripted browser, and its
 * {@code RestClient} carries the token to the server's resource.
 */
@SpringBootTest(classes = EmbeddedAuthorizationServerSpringTests.Application.class,
		webEnvironment = WebEnvironment.NONE, properties = "auth.pkce.scopes=openid,profile")
@EmbeddedAuthorizationServerTest
class EmbeddedAuthorizationServerSpringTests {

	private final EmbeddedAuthorizationServer server;

	private final Environment environment;

	EmbeddedAuthorizationServerSpringTests(@Autowired EmbeddedAuthorizationServer server,
			@Autowired Environment environment) {
		this.server = server;
		this.environment = environment;
	}

	@Test
	void applicationIsPointedAtTheServer() {
		assertThat(this.environment.getProperty("auth.pkce.issuer-uri")).isEqualTo(this.server.issuer().toString());
		assertThat(this.environment.getProperty("auth.pkce.client-id")).isEqualTo(this.server.clientId());
		assertThat(this.environment.getProperty("auth.pkce.endpoint")).isEqualTo(this.server.issuer().toString());
		assertThat(this.environment.getProperty("auth.pkce.store.type")).isEqualTo("memory");
	}

	@Test
	void propertiesOfTheTestWin() {
		assertThat(this.environment.getProperty("auth.pkce.scopes")).isEqualTo("openid,profile");
	}

	@Test
	void scriptedBrowserIsTheBrowserLauncher(@Autowired BrowserLauncher launcher, @Autowired ScriptedBrowser browser) {
		assertThat(launcher).isSameAs(browser);
	}

	@Test
	void loginSignsInAndTheTokenReachesTheResource(@Autowired PkceAuthenticator authenticator,
			@Autowired RestClient.Builder restClient, @Autowired ScriptedBrowser browser) {
		Credentials credentials = authenticator.login();
		assertThat(credentials.scopes()).contains("openid", "profile");
		assertThat(browser.openedUris()).last().asString().startsWith(this.server.issuer() + "/oauth2/authorize?");
		String body = restClient.build().get().uri(this.server.resourceUri()).retrieve().body(String.class);
		assertThat(body).contains("\"sub\":\"alice\"");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
