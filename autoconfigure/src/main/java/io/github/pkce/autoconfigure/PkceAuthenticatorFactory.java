package io.github.pkce.autoconfigure;

import java.nio.file.Path;

import io.github.pkce.InteractiveLogin;
import io.github.pkce.LoginMethod;
import org.jspecify.annotations.Nullable;

import java.util.Map;

import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.loopback.EndpointMetadata;
import io.github.pkce.store.CredentialStore;

import org.springframework.web.client.RestClient;

/**
 * Builds the {@link PkceAuthenticator} of a registration from the beans (configurations,
 * store, browser, pages, HTTP client) and the registration's properties.
 *
 * @author pkce-spring-boot
 */
final class PkceAuthenticatorFactory {

	private final ClientConfigStore configs;

	private final Map<String, PkceRegistrationProperties> registrations;

	private final CredentialStore store;

	private final BrowserLauncher browserLauncher;

	private final EndpointMetadata pages;

	private final RestClient restClient;

	private final boolean shellCommands;

	private final LoginMethod loginMethod;

	private final @Nullable Path lockDirectory;

	PkceAuthenticatorFactory(ClientConfigStore configs, Map<String, PkceRegistrationProperties> registrations,
			CredentialStore store, BrowserLauncher browserLauncher, EndpointMetadata pages, RestClient restClient,
			boolean shellCommands, LoginMethod loginMethod, @Nullable Path lockDirectory) {
		this.loginMethod = loginMethod;
		this.lockDirectory = lockDirectory;
		this.configs = configs;
		this.registrations = registrations;
		this.store = store;
		this.browserLauncher = browserLauncher;
		this.pages = pages;
		this.restClient = restClient;
		this.shellCommands = shellCommands;
	}

	ClientConfigStore getConfigs() {
		return this.configs;
	}

	PkceAuthenticator create(String name) {
		ClientConfig config = this.configs.get(name);
		// a configuration store of the application's own may name registrations that
		// have no properties: they get the defaults
		PkceRegistrationProperties registration = this.registrations.getOrDefault(name,
				new PkceRegistrationProperties());
		AuthorizationClient client = AuthorizationClient.withConfig(config)
			.restClient(this.restClient)
			.browserLauncher(this.browserLauncher)
			.pages(this.pages)
			.build();
		PkceAuthenticator.Builder builder = PkceAuthenticator.withClient(client)
			.credentialStore(this.store)
			.storeKey(PkcePropertiesMapper.storeKey(config, registration.getEndpoint()))
			.interactiveLogin(registration.getLogin().isOnDemand())
			.loginFlow(InteractiveLogin.withClient(client).method(this.loginMethod).build()::login);
		if (this.lockDirectory != null) {
			builder.lockDirectory(this.lockDirectory);
		}
		if (this.shellCommands) {
			builder.loginHint(ClientConfigStore.DEFAULT_REGISTRATION.equals(name) ? "Run 'auth login' to sign in."
					: "Run 'auth login --registration " + name + "' to sign in.");
		}
		return builder.build();
	}

}
