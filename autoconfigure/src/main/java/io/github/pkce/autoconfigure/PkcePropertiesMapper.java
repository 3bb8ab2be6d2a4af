package io.github.pkce.autoconfigure;

import io.github.pkce.store.CredentialKeys;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.browser.CommandBrowserLauncher;
import io.github.pkce.browser.SystemBrowserLauncher;
import io.github.pkce.loopback.EndpointMetadata;
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
	static final List<String> MARKERS = List.of("client-id", "issuer-uri", "authorization-uri", "token-uri",
			"endpoint");

	private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

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
		ClientConfig.Builder builder = ClientConfig.withClientId(clientId.trim());
		if (authorization == null && token == null) {
			if (issuer == null) {
				throw new InvalidPkcePropertyException(prefix + ".issuer-uri", null,
						"neither it nor " + prefix + ".authorization-uri and " + prefix
								+ ".token-uri are set, so the authorization server is unknown",
						"Set " + prefix + ".issuer-uri to the issuer of the authorization server, such as "
								+ "https://login.example.com/realms/acme (its endpoints are read from its discovery "
								+ "document at the first login), or set both " + prefix + ".authorization-uri and "
								+ prefix + ".token-uri.");
			}
			onlyWithExplicitEndpoints(prefix + ".jwk-set-uri", jwkSet, prefix);
			onlyWithExplicitEndpoints(prefix + ".revocation-uri", revocation, prefix);
			onlyWithExplicitEndpoints(prefix + ".device-authorization-uri", deviceAuthorization, prefix);
			builder.issuerUri(issuer);
		}
		else {
			if (authorization == null || token == null) {
				String missing = (authorization == null) ? prefix + ".authorization-uri" : prefix + ".token-uri";
				throw new InvalidPkcePropertyException(missing, null,
						"it is not set, but explicit endpoints need both the authorization and the token endpoint",
						"Set " + missing + " as well, or remove both and set " + prefix
								+ ".issuer-uri to use discovery.");
			}
			PropertyMapper map = PropertyMapper.get();
			ProviderMetadata.Builder metadata = ProviderMetadata.withEndpoints(authorization, token);
			map.from(issuer).as(URI::toString).to(metadata::issuer);
			map.from(jwkSet).to(metadata::jwkSetUri);
			map.from(revocation).to(metadata::revocationEndpoint);
			map.from(deviceAuthorization).to(metadata::deviceAuthorizationEndpoint);
			map.from(issuer).to(builder::issuerUri);
			builder.providerMetadata(metadata.build());
		}
		builder.redirectUri(redirectUri(prefix + ".redirect-uri", registration.getRedirectUri()));
		builder.loginTimeout(positive(prefix + ".login.timeout", registration.getLogin().getTimeout()));
		builder.clockSkew(notNegative(prefix + ".refresh.clock-skew", registration.getRefresh().getClockSkew()));
		PropertyMapper map = PropertyMapper.get();
		map.from(registration::getScopes).to(builder::scopes);
		map.from(registration::getAudience).whenHasText().to(builder::audience);
		map.from(registration::getAuthorizationParameters).to(builder::authorizationParameters);
		map.from(registration::getTokenParameters).to(builder::tokenParameters);
		map.from(registration::getRefreshParameters).to(builder::refreshParameters);
		map.from(registration::isRepeatAuthorizationParametersInTokenRequest)
			.to(builder::repeatAuthorizationParametersInTokenRequest);
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
		return switch (login.getBrowser()) {
			case AUTO, SYSTEM -> new SystemBrowserLauncher();
			case NONE -> BrowserLauncher.none();
			case COMMAND -> {
				List<String> command = login.getBrowserCommand().stream().filter(StringUtils::hasText).toList();
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
				|| registration.getAuthorizationUri() != null || registration.getTokenUri() != null
				|| registration.getEndpoint() != null;
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
		String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : null;
		if (!"http".equalsIgnoreCase(uri.getScheme()) || host == null || !LOOPBACK_HOSTS.contains(host)) {
			throw new InvalidPkcePropertyException(property, uri,
					"it is not a loopback http URI, where a native program receives the browser's redirect "
							+ "(RFC 8252 section 7.3)",
					action);
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new InvalidPkcePropertyException(property, uri,
					"a redirect URI cannot have a query or a fragment (RFC 6749 section 3.1.2)", action);
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
