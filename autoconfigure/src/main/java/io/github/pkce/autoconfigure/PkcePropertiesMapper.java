package io.github.pkce.autoconfigure;

import io.github.pkce.store.CredentialKeys;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.pkce.ClientAuthentication;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Provider;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.ProviderPresets;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.browser.CommandBrowserLauncher;
import io.github.pkce.browser.SystemBrowserLauncher;
import io.github.pkce.loopback.EndpointMetadata;
import io.github.pkce.loopback.LoopbackRedirect;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;

/**
 * Turns {@link PkceProperties} into the core's objects, checking each property on the
 * way: a wrong one fails with an {@link InvalidPkcePropertyException} that names it.
 *
 * @author pkce-spring-boot
 */
final class PkcePropertiesMapper {

	static final String PREFIX = "auth.pkce";

	/**
	 * Properties whose presence makes a registration configured; a configured
	 * registration without a client id or issuer is an error, an absent one is not.
	 */
	static final List<String> MARKERS = List.of("client-id", "issuer-uri", "authorization-uri", "token-uri", "endpoint",
			"provider");

	private final PkceProperties properties;

	PkcePropertiesMapper(PkceProperties properties) {
		this.properties = properties;
	}

	/**
	 * Returns the configured registrations by name, the default one (the flat form)
	 * first.
	 * @return the registrations
	 */
	Map<String, PkceRegistrationProperties> asRegistrations() {
		Map<String, PkceRegistrationProperties> registrations = new LinkedHashMap<>();
		if (isConfigured(this.properties)) {
			if (this.properties.getRegistrations().containsKey(ClientConfigStore.DEFAULT_REGISTRATION)) {
				throw new InvalidPkcePropertyException(
						PREFIX + ".registrations." + ClientConfigStore.DEFAULT_REGISTRATION, null,
						"the settings directly under auth.pkce already form the registration named 'default'",
						"Move these settings directly under auth.pkce, or give this registration another name.");
			}
			registrations.put(ClientConfigStore.DEFAULT_REGISTRATION, this.properties);
		}
		this.properties.getRegistrations().forEach((name, registration) -> {
			if (!StringUtils.hasText(name)) {
				throw new InvalidPkcePropertyException(PREFIX + ".registrations", name,
						"a registration name cannot be empty", "Give the registration a name.");
			}
			registrations.put(name, registration);
		});
		return registrations;
	}

	/**
	 * Returns the client configurations of all registrations.
	 * @return the store
	 */
	ClientConfigStore asClientConfigStore() {
		Map<String, ClientConfig> configs = new LinkedHashMap<>();
		asRegistrations().forEach((name, registration) -> configs.put(name, asClientConfig(name, registration)));
		return ClientConfigStore.of(configs);
	}

	/**
	 * Returns the client configuration of one registration.
	 * @param name the registration name
	 * @param registration its properties
	 * @return the configuration
	 */
	ClientConfig asClientConfig(String name, PkceRegistrationProperties registration) {
		String prefix = prefix(name);
		String clientId = registration.getClientId();
		if (!StringUtils.hasText(clientId)) {
			throw new InvalidPkcePropertyException(prefix + ".client-id", null, "it is not set",
					"Set " + prefix + ".client-id to the client id of the public client (one without a secret) "
							+ "registered for this program at the authorization server, such as " + prefix
							+ ".client-id=my-cli.");
		}
		URI issuer = httpUri(prefix + ".issuer-uri", registration.getIssuerUri());
		URI authorization = httpUri(prefix + ".authorization-uri", registration.getAuthorizationUri());
		URI token = httpUri(prefix + ".token-uri", registration.getTokenUri());
		URI jwkSet = httpUri(prefix + ".jwk-set-uri", registration.getJwkSetUri());
		URI revocation = httpUri(prefix + ".revocation-uri", registration.getRevocationUri());
		URI deviceAuthorization = httpUri(prefix + ".device-authorization-uri",
				registration.getDeviceAuthorizationUri());
		URI userInfo = httpUri(prefix + ".user-info-uri", registration.getUserInfoUri());
		Provider provider = registration.getProvider();
		// the provider's settings are the defaults; every property set overrides them
		ClientConfig preset = (provider != null) ? preset(prefix, provider, clientId.trim(), registration, issuer)
				: null;
		ProviderMetadata presetEndpoints = (preset != null) ? preset.getProviderMetadata() : null;
		ClientConfig.Builder builder = ClientConfig.withClientId(clientId.trim()).provider(provider);
		PropertyMapper map = PropertyMapper.get();
		if (presetEndpoints != null) {
			// a provider without discovery (GitHub): each endpoint can be replaced
			ProviderMetadata.Builder metadata = ProviderMetadata.withEndpoints(
					(authorization != null) ? authorization : presetEndpoints.getAuthorizationEndpoint(),
					(token != null) ? token : presetEndpoints.getTokenEndpoint());
			metadata.issuer((issuer != null) ? issuer.toString() : presetEndpoints.getIssuer());
			metadata.jwkSetUri((jwkSet != null) ? jwkSet : presetEndpoints.getJwkSetUri());
			metadata.revocationEndpoint((revocation != null) ? revocation : presetEndpoints.getRevocationEndpoint());
			metadata.deviceAuthorizationEndpoint((deviceAuthorization != null) ? deviceAuthorization
					: presetEndpoints.getDeviceAuthorizationEndpoint());
			metadata.userInfoEndpoint((userInfo != null) ? userInfo : presetEndpoints.getUserInfoEndpoint());
			metadata.codeChallengeMethods(presetEndpoints.getCodeChallengeMethods());
			map.from(issuer).to(builder::issuerUri);
			builder.providerMetadata(metadata.build());
		}
		else if (authorization == null && token == null) {
			URI effectiveIssuer = (issuer != null) ? issuer : (preset != null) ? preset.getIssuerUri() : null;
			if (effectiveIssuer == null) {
				throw new InvalidPkcePropertyException(prefix + ".issuer-uri", null,
						"neither it nor " + prefix + ".authorization-uri and " + prefix
								+ ".token-uri are set, so the authorization server is unknown",
						"Set " + prefix + ".issuer-uri to the issuer of the authorization server, such as "
								+ "https://login.example.com/realms/acme (its endpoints are read from its discovery "
								+ "document at the first login), or set both " + prefix + ".authorization-uri and "
								+ prefix + ".token-uri, or name a provider with " + prefix + ".provider.");
			}
			onlyWithExplicitEndpoints(prefix + ".jwk-set-uri", jwkSet, prefix);
			onlyWithExplicitEndpoints(prefix + ".revocation-uri", revocation, prefix);
			onlyWithExplicitEndpoints(prefix + ".device-authorization-uri", deviceAuthorization, prefix);
			onlyWithExplicitEndpoints(prefix + ".user-info-uri", userInfo, prefix);
			builder.issuerUri(effectiveIssuer);
		}
		else {
			if (authorization == null || token == null) {
				String missing = (authorization == null) ? prefix + ".authorization-uri" : prefix + ".token-uri";
				throw new InvalidPkcePropertyException(missing, null,
						"it is not set, but explicit endpoints need both the authorization and the token endpoint",
						"Set " + missing + " as well, or remove both and set " + prefix
								+ ".issuer-uri to use discovery.");
			}
			ProviderMetadata.Builder metadata = ProviderMetadata.withEndpoints(authorization, token);
			map.from(issuer).as(URI::toString).to(metadata::issuer);
			map.from(jwkSet).to(metadata::jwkSetUri);
			map.from(revocation).to(metadata::revocationEndpoint);
			map.from(deviceAuthorization).to(metadata::deviceAuthorizationEndpoint);
			map.from(userInfo).to(metadata::userInfoEndpoint);
			map.from(issuer).to(builder::issuerUri);
			builder.providerMetadata(metadata.build());
		}
		URI redirect = registration.getRedirectUri();
		// left at the default, the provider's redirect URI applies
		boolean defaultRedirect = ClientConfig.DEFAULT_REDIRECT_URI.equals(redirect);
		builder.redirectUri((preset != null && defaultRedirect) ? preset.getRedirectUri()
				: redirectUri(prefix + ".redirect-uri", redirect));
		builder.loginTimeout(positive(prefix + ".login.timeout", registration.getLogin().getTimeout()));
		builder.clockSkew(notNegative(prefix + ".refresh.clock-skew", registration.getRefresh().getClockSkew()));
		if (preset != null) {
			builder.scopes(preset.getScopes())
				.authorizationParameters(preset.getAuthorizationParameters())
				.tokenParameters(preset.getTokenParameters())
				.refreshParameters(preset.getRefreshParameters());
		}
		map.from(registration::getScopes).when((scopes) -> !scopes.isEmpty()).to(builder::scopes);
		map.from(registration::getAudience).whenHasText().to(builder::audience);
		map.from(registration::getAuthorizationParameters).to(builder::authorizationParameters);
		map.from(registration::getTokenParameters).to(builder::tokenParameters);
		map.from(registration::getRefreshParameters).to(builder::refreshParameters);
		map.from(registration::isRepeatAuthorizationParametersInTokenRequest)
			.to(builder::repeatAuthorizationParametersInTokenRequest);
		clientSecret(prefix, registration, preset, builder);
		builder.dpop(registration.getDpop());
		builder.par(registration.getPar());
		origins(prefix, registration);
		headerName(prefix, registration);
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			String property = propertyOf(prefix, ex);
			String action = property.equals(prefix) ? "Correct the " + prefix + " settings as the reason says."
					: "Remove the parameter from " + property + ".";
			throw new InvalidPkcePropertyException(property, null, uncapitalize(ex.getMessage()), action, ex);
		}
	}

	/**
	 * Returns the settings of a provider, from the placeholders it needs (tenant, domain,
	 * realm) or the issuer that replaces them.
	 */
	private static ClientConfig preset(String prefix, Provider provider, String clientId,
			PkceRegistrationProperties registration, @Nullable URI issuer) {
		String tenant = text(registration.getTenant());
		String domain = text(registration.getDomain());
		String realm = text(registration.getRealm());
		String name = provider.name().toLowerCase(Locale.ROOT);
		onlyFor(prefix, "tenant", tenant, provider, EnumSet.of(Provider.MICROSOFT));
		onlyFor(prefix, "realm", realm, provider, EnumSet.of(Provider.KEYCLOAK));
		onlyFor(prefix, "domain", domain, provider,
				EnumSet.of(Provider.AUTH0, Provider.OKTA, Provider.KEYCLOAK, Provider.GITHUB));
		String placeholder = "domain";
		try {
			ClientConfig.Builder builder = switch (provider) {
				case GOOGLE -> ProviderPresets.google(clientId);
				case MICROSOFT -> {
					placeholder = "tenant";
					yield ProviderPresets.microsoft(clientId, tenant);
				}
				case AUTH0 -> ProviderPresets.auth0(clientId,
						domainOrIssuer(prefix, name, domain, issuer, "dev-abc123.us.auth0.com"));
				case OKTA ->
					ProviderPresets.okta(clientId, domainOrIssuer(prefix, name, domain, issuer, "dev-123456.okta.com"));
				case KEYCLOAK -> {
					if (issuer != null) {
						yield ProviderPresets.keycloak(clientId, issuer);
					}
					String host = domainOrIssuer(prefix, name, domain, null, "sso.example.com");
					if (realm == null) {
						throw new InvalidPkcePropertyException(prefix + ".realm", null,
								"it is not set, but provider keycloak needs the realm to find the issuer",
								"Set " + prefix + ".realm to the realm's name, such as acme, or set " + prefix
										+ ".issuer-uri to the realm's issuer, such as https://" + host
										+ "/realms/acme.");
					}
					placeholder = "realm";
					yield ProviderPresets.keycloak(clientId, host, realm);
				}
				case GITHUB ->
					(domain != null) ? ProviderPresets.github(clientId, domain) : ProviderPresets.github(clientId);
			};
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			String property = (ex.getMessage() != null && ex.getMessage().startsWith("The domain")) ? "domain"
					: placeholder;
			Object value = switch (property) {
				case "tenant" -> tenant;
				case "realm" -> realm;
				default -> domain;
			};
			throw new InvalidPkcePropertyException(prefix + "." + property, value, uncapitalize(ex.getMessage()),
					"Correct " + prefix + "." + property + ", or set " + prefix + ".issuer-uri instead.", ex);
		}
	}

	private static String domainOrIssuer(String prefix, String provider, @Nullable String domain, @Nullable URI issuer,
			String example) {
		if (domain != null) {
			return domain;
		}
		if (issuer != null) {
			// the issuer replaces the one the domain gives; the host is a placeholder
			return issuer.getRawAuthority();
		}
		throw new InvalidPkcePropertyException(prefix + ".domain", null,
				"it is not set, but provider " + provider + " needs it to find the issuer",
				"Set " + prefix + ".domain to the host of your " + provider + " tenant, such as " + example
						+ ", or set " + prefix + ".issuer-uri.");
	}

	private static void onlyFor(String prefix, String property, @Nullable String value, Provider provider,
			Set<Provider> providers) {
		if (value != null && !providers.contains(provider)) {
			throw new InvalidPkcePropertyException(prefix + "." + property, value,
					"provider " + provider.name().toLowerCase(Locale.ROOT) + " does not use it", "Remove " + prefix
							+ "." + property + ", or set " + prefix + ".provider to one that uses it (" + String
								.join(", ", providers.stream().map((p) -> p.name().toLowerCase(Locale.ROOT)).toList())
							+ ").");
		}
	}

	/**
	 * Sets the client secret and how it is sent: as configured, else as the provider
	 * expects, else with HTTP Basic. The secret itself never appears in a message.
	 */
	private static void clientSecret(String prefix, PkceRegistrationProperties registration,
			@Nullable ClientConfig preset, ClientConfig.Builder builder) {
		String secret = registration.getClientSecret();
		ClientAuthentication method = registration.getClientAuthenticationMethod();
		if (!StringUtils.hasText(secret)) {
			if (method != null) {
				throw new InvalidPkcePropertyException(prefix + ".client-authentication-method", method,
						"it is set, but " + prefix + ".client-secret is not",
						"Set " + prefix + ".client-secret to the secret the provider issued, or remove " + prefix
								+ ".client-authentication-method for a public client.");
			}
			return;
		}
		builder.clientSecret(secret.trim());
		builder.clientAuthentication((method != null) ? method
				: (preset != null) ? preset.getClientAuthentication() : ClientAuthentication.CLIENT_SECRET_BASIC);
	}

	private static @Nullable String text(@Nullable String value) {
		return StringUtils.hasText(value) ? value.trim() : null;
	}

	/**
	 * Returns the origins that receive the access token of a registration: its endpoint
	 * and its additional origins, none when no endpoint is set.
	 * @param name the registration name
	 * @param registration its properties
	 * @return the origins
	 */
	List<URI> asOrigins(String name, PkceRegistrationProperties registration) {
		return origins(prefix(name), registration);
	}

	/**
	 * Returns the key under which a registration's credentials are stored: the server,
	 * the client id and, when set, the endpoint, so two configurations never share
	 * tokens.
	 * @param config the client configuration
	 * @param endpoint the endpoint, or {@code null}
	 * @return the key
	 */
	static String storeKey(ClientConfig config, @Nullable URI endpoint) {
		ProviderMetadata metadata = config.getProviderMetadata();
		URI server = (config.getIssuerUri() != null) ? config.getIssuerUri()
				: (metadata != null) ? metadata.getTokenEndpoint() : null;
		return CredentialKeys.of(String.valueOf(server), config.getClientId(),
				(endpoint != null) ? endpoint.toString() : null);
	}

	/**
	 * Returns the browser launcher the login properties ask for.
	 * @return the launcher
	 */
	BrowserLauncher asBrowserLauncher() {
		PkceProperties.Login login = this.properties.getLogin();
		List<String> command = login.getBrowserCommand().stream().filter(StringUtils::hasText).toList();
		return switch (login.getBrowser()) {
			case AUTO -> command.isEmpty() ? new SystemBrowserLauncher() : new CommandBrowserLauncher(command);
			case SYSTEM -> new SystemBrowserLauncher();
			case NONE -> BrowserLauncher.none();
			case COMMAND -> {
				if (command.isEmpty()) {
					throw new InvalidPkcePropertyException(PREFIX + ".login.browser-command", null,
							"it is not set, but " + PREFIX + ".login.browser is 'command'",
							"Set " + PREFIX + ".login.browser-command to the program and its arguments, such as "
									+ "firefox,--new-window (the URL is added last), or set " + PREFIX
									+ ".login.browser=system.");
				}
				yield new CommandBrowserLauncher(command);
			}
		};
	}

	/**
	 * Returns the pages shown in the browser after the login.
	 * @return the pages
	 */
	EndpointMetadata asEndpointMetadata() {
		PkceProperties.Login login = this.properties.getLogin();
		EndpointMetadata pages = EndpointMetadata.defaults();
		Resource success = login.getSuccessPage();
		if (success != null) {
			pages = pages.withSuccessPage(read(PREFIX + ".login.success-page", success));
		}
		Resource failure = login.getFailurePage();
		if (failure != null) {
			pages = pages.withFailurePage(read(PREFIX + ".login.failure-page", failure));
		}
		return pages;
	}

	/**
	 * Checks the credential store properties.
	 * @return the store properties
	 */
	PkceProperties.Store asStore() {
		PkceProperties.Store store = this.properties.getStore();
		positive(PREFIX + ".store.keyring-timeout", store.getKeyringTimeout());
		return store;
	}

	/**
	 * Checks the HTTP properties.
	 * @return the HTTP properties
	 */
	PkceProperties.Http asHttp() {
		PkceProperties.Http http = this.properties.getHttp();
		positive(PREFIX + ".http.connect-timeout", http.getConnectTimeout());
		positive(PREFIX + ".http.read-timeout", http.getReadTimeout());
		if (http.isInsecureSkipTlsVerify() && StringUtils.hasText(http.getSslBundle())) {
			throw new InvalidPkcePropertyException(PREFIX + ".http.insecure-skip-tls-verify", true,
					"it cannot be combined with " + PREFIX + ".http.ssl-bundle",
					"Remove " + PREFIX + ".http.insecure-skip-tls-verify: the SSL bundle '" + http.getSslBundle()
							+ "' already trusts the server's certificate.");
		}
		return http;
	}

	static String prefix(String name) {
		return ClientConfigStore.DEFAULT_REGISTRATION.equals(name) ? PREFIX : PREFIX + ".registrations." + name;
	}

	static boolean isConfigured(PkceRegistrationProperties registration) {
		return registration.getClientId() != null || registration.getIssuerUri() != null
				|| registration.getProvider() != null || registration.getAuthorizationUri() != null
				|| registration.getTokenUri() != null || registration.getEndpoint() != null;
	}

	private static List<URI> origins(String prefix, PkceRegistrationProperties registration) {
		URI endpoint = httpUri(prefix + ".endpoint", registration.getEndpoint());
		List<URI> additional = registration.getAdditionalOrigins();
		if (endpoint == null) {
			if (!additional.isEmpty()) {
				throw new InvalidPkcePropertyException(prefix + ".additional-origins", additional,
						"it is set, but " + prefix + ".endpoint is not",
						"Set " + prefix + ".endpoint to the URI of the service the tokens are for, such as "
								+ "https://api.example.com; the additional origins receive the token besides it.");
			}
			return List.of();
		}
		List<URI> origins = new ArrayList<>();
		origins.add(endpoint);
		for (int i = 0; i < additional.size(); i++) {
			URI origin = httpUri(prefix + ".additional-origins[" + i + "]", additional.get(i));
			if (origin != null) {
				origins.add(origin);
			}
		}
		return origins;
	}

	private static void headerName(String prefix, PkceRegistrationProperties registration) {
		String headerName = registration.getHeaderName();
		if (!StringUtils.hasText(headerName) || headerName.chars().anyMatch(Character::isWhitespace)) {
			throw new InvalidPkcePropertyException(prefix + ".header-name", headerName, "it is not a valid header name",
					"Set " + prefix + ".header-name to the header that carries the token, Authorization unless the "
							+ "service says otherwise.");
		}
	}

	private static void onlyWithExplicitEndpoints(String property, @Nullable URI value, String prefix) {
		if (value != null) {
			throw new InvalidPkcePropertyException(property, value,
					"it is used only with explicit endpoints, and with " + prefix
							+ ".issuer-uri it comes from the discovery document",
					"Remove " + property + ", or set " + prefix + ".authorization-uri and " + prefix
							+ ".token-uri too.");
		}
	}

	private static @Nullable URI httpUri(String property, @Nullable URI uri) {
		if (uri == null) {
			return null;
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!uri.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme)) || uri.getHost() == null) {
			throw new InvalidPkcePropertyException(property, uri, "it is not an absolute http or https URI",
					"Set " + property + " to a URI such as https://login.example.com.");
		}
		return uri;
	}

	private static URI redirectUri(String property, @Nullable URI uri) {
		String action = "Set " + property + " to http://127.0.0.1:0/callback (port 0 picks a free port at each "
				+ "login), or to http://[::1]:PORT/PATH or http://localhost:PORT/PATH if the authorization server "
				+ "requires it, or remove it to use the default.";
		if (uri == null) {
			throw new InvalidPkcePropertyException(property, null, "it is empty", action);
		}
		String problem = LoopbackRedirect.problem(uri);
		if (problem != null) {
			throw new InvalidPkcePropertyException(property, uri, problem, action);
		}
		return uri;
	}

	private static Duration positive(String property, @Nullable Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidPkcePropertyException(property, duration, "it must be a positive duration",
					"Set " + property + " to a duration such as 30s or 5m, or remove it to use the default.");
		}
		return duration;
	}

	private static Duration notNegative(String property, @Nullable Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new InvalidPkcePropertyException(property, duration, "it must be zero or a positive duration",
					"Set " + property + " to a duration such as 60s, or remove it to use the default.");
		}
		return duration;
	}

	private static String read(String property, Resource resource) {
		if (!resource.exists()) {
			throw new InvalidPkcePropertyException(property, resource.getDescription(), "the resource does not exist",
					"Point " + property + " at an existing HTML file, such as classpath:login/success.html or "
							+ "file:./success.html.");
		}
		try (InputStream input = resource.getInputStream()) {
			return StreamUtils.copyToString(input, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new InvalidPkcePropertyException(property, resource.getDescription(),
					"the resource cannot be read (" + ex.getMessage() + ")",
					"Point " + property + " at a readable HTML file.", ex);
		}
	}

	private static String propertyOf(String prefix, IllegalArgumentException ex) {
		String message = String.valueOf(ex.getMessage());
		for (String request : List.of("authorization", "token", "refresh")) {
			if (message.startsWith("Extra " + request + " parameter")) {
				return prefix + "." + request + "-parameters";
			}
		}
		return prefix;
	}

	private static String uncapitalize(@Nullable String message) {
		if (message == null || message.isEmpty()) {
			return "the configuration was refused";
		}
		return Character.toLowerCase(message.charAt(0)) + message.substring(1);
	}

}
