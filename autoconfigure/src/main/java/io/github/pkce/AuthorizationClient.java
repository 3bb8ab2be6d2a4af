package io.github.pkce;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.dpop.DpopNonces;
import io.github.pkce.dpop.DpopProofs;
import io.github.pkce.internal.Hashes;
import io.github.pkce.loopback.AuthorizationCode;
import io.github.pkce.loopback.EndpointMetadata;
import io.github.pkce.loopback.OAuthHttpServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.client.authentication.OAuth2LoginAuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Performs one login or one refresh against an authorization server. A login builds the
 * authorization request with PKCE S256 (RFC 7636), a fresh {@code state} and an OpenID
 * Connect {@code nonce}, opens the browser, receives the redirect on a loopback server
 * (RFC 8252 section 7.3), checks {@code state} and {@code iss} (RFC 9207), exchanges the
 * code with the verifier, and validates the ID token.
 * <p>
 * Thread-safe; one instance serves any number of logins and refreshes, but does not
 * coordinate them: {@link PkceAuthenticator} makes concurrent callers share one login or
 * refresh.
 *
 * @author pkce-spring-boot
 */
public final class AuthorizationClient {

	private static final Log logger = LogFactory.getLog(AuthorizationClient.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String OFFLINE_ACCESS = "offline_access";

	/** The JWS algorithm of our DPoP proofs. */
	static final String DPOP_ALGORITHM = "ES256";

	/** The request header that carries a DPoP proof (RFC 9449 section 4.1). */
	static final String DPOP_HEADER = "DPoP";

	/** The error asking for a DPoP nonce (RFC 9449 section 8). */
	static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final OAuth2UserService<OidcUserRequest, OidcUser> ID_TOKEN_ONLY = (request) -> new DefaultOidcUser(
			java.util.List.of(), request.getIdToken());

	private final ClientConfig config;

	private final RestClient restClient;

	private final RestClient tokenRestClient;

	private final BrowserLauncher browserLauncher;

	private final EndpointMetadata pages;

	private final Consumer<String> prompt;

	private final Clock clock;

	/**
	 * Built once: its constructor builds a RestClient and converters, a cost no refresh
	 * should pay.
	 */
	private final RestClientRefreshTokenTokenResponseClient refreshTokenClient;

	/** The latest DPoP nonce of each server origin (RFC 9449 section 8). */
	private final DpopNonces nonces = new DpopNonces();

	private final DpopProofs proofs;

	private volatile @Nullable ProviderMetadata metadata;

	private volatile @Nullable IdTokenDecoders idTokenDecoders;

	private AuthorizationClient(Builder builder) {
		this.config = builder.config;
		this.restClient = (builder.restClient != null) ? builder.restClient : OAuthRestClients.withTimeouts();
		this.proofs = new DpopProofs(builder.clock);
		this.tokenRestClient = OAuthRestClients.forTokenRequests(this.restClient, this.nonces);
		this.refreshTokenClient = new RestClientRefreshTokenTokenResponseClient();
		this.refreshTokenClient.setRestClient(this.tokenRestClient);
		this.refreshTokenClient.addHeadersConverter((grant) -> (grant instanceof DpopRefreshGrantRequest bound)
				? dpopHeaders(bound.key, URI.create(grant.getClientRegistration().getProviderDetails().getTokenUri()))
				: new HttpHeaders());
		this.refreshTokenClient.setParametersCustomizer((parameters) -> {
			addAll(parameters, this.config.getRefreshParameters());
			OAuthRestClients.hideSecretValues(parameters);
		});
		this.browserLauncher = builder.browserLauncher;
		this.pages = builder.pages;
		this.prompt = builder.prompt;
		this.clock = builder.clock;
		this.metadata = builder.config.getProviderMetadata();
	}

	/**
	 * Starts building a client for the given configuration.
	 * @param config the client configuration
	 * @return a builder
	 */
	public static Builder withConfig(ClientConfig config) {
		return new Builder(config);
	}

	/**
	 * Returns the configuration.
	 * @return the configuration
	 */
	public ClientConfig getConfig() {
		return this.config;
	}

	/**
	 * Returns the authorization server's metadata, reading the discovery document at the
	 * first call when an issuer is configured.
	 * @return the metadata
	 * @throws PkceException when the document cannot be read or names another issuer
	 */
	public ProviderMetadata getProviderMetadata() {
		ProviderMetadata current = this.metadata;
		if (current == null) {
			synchronized (this) {
				current = this.metadata;
				if (current == null) {
					current = ProviderDiscovery.discover(this.restClient,
							Objects.requireNonNull(this.config.getIssuerUri()), this.config.getProvider());
					this.metadata = current;
				}
			}
		}
		return current;
	}

	/**
	 * Signs the user in with the browser: the full authorization code flow with PKCE.
	 * @return the new credentials
	 * @throws PkceException when the login fails, with a message for the user
	 */
	public Credentials login() {
		try (PendingLogin login = startLogin()) {
			login.showPrompt();
			if (!login.openBrowser()) {
				logger.debug("No browser could be opened; waiting for the user to open the printed URL");
			}
			return login.complete();
		}
	}

	/**
	 * Starts a browser login: the callback server listens and the authorization request
	 * is built, but nothing is printed or opened yet, so that {@link InteractiveLogin}
	 * can choose another way when no browser opens.
	 * @return the login, to be closed by the caller
	 */
	PendingLogin startLogin() {
		ProviderMetadata provider = getProviderMetadata();
		String state = randomToken();
		String nonce = randomToken();
		DpopKey key = newDpopKey(provider);
		boolean push = usePushedAuthorizationRequest(provider);
		OAuthHttpServer server = OAuthHttpServer.start(this.config.getRedirectUri(), state, this.pages);
		try {
			URI redirectUri = server.getRedirectUri();
			ClientRegistration registration = registration(provider, redirectUri.toString());
			OAuth2AuthorizationRequest request = authorizationRequest(provider, redirectUri, state, nonce, key);
			PushedAuthorizationRequest pushed = push ? PushedAuthorizationRequest.push(this, provider, request, key)
					: null;
			return new PendingLogin(server, provider, registration, request, key, pushed);
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * Chooses the DPoP key of a new login (RFC 9449): a fresh key when the configuration
	 * allows DPoP and the server advertises {@value #DPOP_ALGORITHM}.
	 * @param provider the server's metadata
	 * @return the key, or {@code null} for bearer tokens
	 * @throws PkceException when DPoP is required and the server does not support it
	 */
	@Nullable DpopKey newDpopKey(ProviderMetadata provider) {
		DpopMode mode = this.config.getDpop();
		if (mode == DpopMode.NEVER) {
			return null;
		}
		java.util.List<String> algorithms = provider.getDpopSigningAlgorithms();
		if (algorithms.contains(DPOP_ALGORITHM)) {
			return DpopKey.generate();
		}
		if (mode == DpopMode.ALWAYS) {
			throw new PkceException(PkceErrorCodes.DPOP_UNSUPPORTED, "DPoP is required (dpop=always), but "
					+ describe(provider)
					+ (algorithms.isEmpty()
							? " does not advertise DPoP (its metadata has no dpop_signing_alg_values_supported)"
							: " accepts DPoP proofs signed with " + String.join(", ", algorithms)
									+ " only, and this client signs them with " + DPOP_ALGORITHM)
					+ ". Enable DPoP for this client on the server, or set dpop to auto to accept bearer tokens. "
					+ "Nothing was sent to the server.");
		}
		return null;
	}

	private boolean usePushedAuthorizationRequest(ProviderMetadata provider) {
		URI endpoint = provider.getPushedAuthorizationRequestEndpoint();
		boolean required = provider.isRequirePushedAuthorizationRequests();
		ParMode mode = this.config.getPar();
		if (endpoint == null && (mode == ParMode.ALWAYS || required)) {
			throw new PkceException(PkceErrorCodes.PAR_FAILED, describe(provider)
					+ (required
							? " requires pushed authorization requests (require_pushed_authorization_requests) but "
									+ "advertises no pushed_authorization_request_endpoint"
							: " has no pushed authorization request endpoint (RFC 9126), but par is set to always")
					+ ". " + (required ? "Check the server's metadata." : "Set par to auto or never.")
					+ " Nothing was sent to the server.");
		}
		if (mode == ParMode.NEVER && required) {
			throw new PkceException(PkceErrorCodes.PAR_FAILED,
					describe(provider) + " accepts only pushed authorization requests "
							+ "(require_pushed_authorization_requests), but par is set to never. Set par to auto. "
							+ "Nothing was sent to the server.");
		}
		return endpoint != null && mode != ParMode.NEVER;
	}

	static String describe(ProviderMetadata provider) {
		return (provider.getIssuer() != null) ? provider.getIssuer() : provider.getAuthorizationEndpoint().toString();
	}

	/**
	 * Returns the headers that carry a DPoP proof for a {@code POST} to an authorization
	 * server endpoint, with the latest nonce that server sent (RFC 9449 section 8).
	 * @param key the key
	 * @param endpoint the endpoint
	 * @return the headers
	 */
	HttpHeaders dpopHeaders(DpopKey key, URI endpoint) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(DPOP_HEADER, this.proofs.create(key, "POST", endpoint, this.nonces.get(endpoint)));
		return headers;
	}

	/**
	 * Makes a token request and, when a DPoP server answers {@code use_dpop_nonce}, makes
	 * it once more: the nonce of the error response is then in the proof (RFC 9449
	 * section 8). Never more than once.
	 */
	static <T> T withDpopNonceRetry(@Nullable DpopKey key, java.util.function.Supplier<T> request) {
		try {
			return request.get();
		}
		catch (OAuth2AuthorizationException ex) {
			if (key == null || !USE_DPOP_NONCE.equals(ex.getError().getErrorCode())) {
				throw ex;
			}
			logger.debug("The token endpoint asked for a DPoP nonce; sending the request once more with it");
			return request.get();
		}
	}

	/**
	 * Refreshes the given credentials with their refresh token (RFC 6749 section 6). The
	 * refresh token is kept when the server returns none.
	 * @param credentials the current credentials
	 * @return the refreshed credentials
	 * @throws AccessTokenNotFoundException when the credentials have no refresh token
	 * @throws PkceException when the server refuses the refresh ({@code invalid_grant})
	 * or cannot be reached ({@link PkceErrorCodes#SERVER_UNAVAILABLE})
	 */
	public Credentials refresh(Credentials credentials) {
		Assert.notNull(credentials, "credentials cannot be null");
		String refreshToken = credentials.refreshToken();
		if (refreshToken == null) {
			throw new AccessTokenNotFoundException(
					"The access token has expired and there is no refresh token. Sign in again.");
		}
		DpopKey key = credentials.dpopKey();
		if (key == null && Credentials.DPOP.equalsIgnoreCase(credentials.tokenType())) {
			// RFC 9449 section 5: the refresh token is bound to a key we no longer have
			throw new AccessTokenNotFoundException("The stored tokens are bound to a DPoP key that was not stored "
					+ "with them, so they cannot be refreshed. Sign in again.");
		}
		ProviderMetadata provider = getProviderMetadata();
		ClientRegistration registration = registration(provider, this.config.getRedirectUri().toString());
		RestClientRefreshTokenTokenResponseClient client = this.refreshTokenClient;
		OAuth2AccessToken expired = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, credentials.accessToken(),
				null, null);
		// Microsoft expects the scope again on refresh:
		// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
		Set<String> scopes = (this.config.getProvider() == Provider.MICROSOFT) ? this.config.getScopes() : Set.of();
		OAuth2RefreshToken refresh = new OAuth2RefreshToken(refreshToken, null);
		OAuth2RefreshTokenGrantRequest grant = (key != null)
				? new DpopRefreshGrantRequest(registration, expired, refresh, scopes, key)
				: new OAuth2RefreshTokenGrantRequest(registration, expired, refresh, scopes);
		OAuth2AccessTokenResponse response;
		try {
			response = withDpopNonceRetry(key, () -> client.getTokenResponse(grant));
		}
		catch (OAuth2AuthorizationException ex) {
			throw translate(ex.getError(), ex, "refresh", provider);
		}
		String idToken = credentials.idToken();
		Object refreshedIdToken = response.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN);
		if (refreshedIdToken instanceof String value) {
			idToken = validateRefreshedIdToken(registration, value, credentials.idToken(), provider);
		}
		String newRefreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken().getTokenValue()
				: refreshToken;
		return toCredentials(response, newRefreshToken, idToken, credentials.scopes(), key);
	}

	/**
	 * Revokes the refresh token, or the access token when there is none, at the server's
	 * revocation endpoint (RFC 7009). Never throws for a server-side failure: the result
	 * says what happened.
	 * @param credentials the credentials to revoke
	 * @return the outcome, with a sentence for the user
	 */
	public LogoutResult revoke(Credentials credentials) {
		Assert.notNull(credentials, "credentials cannot be null");
		ProviderMetadata provider;
		try {
			provider = getProviderMetadata();
		}
		catch (PkceException ex) {
			return new LogoutResult(true, false,
					"Signed out locally. The authorization server could not be asked to revoke the tokens ("
							+ ex.getMessage() + "); they stay valid there until they expire.");
		}
		URI endpoint = provider.getRevocationEndpoint();
		if (endpoint == null) {
			return new LogoutResult(true, false, "Signed out locally. The authorization server has no revocation "
					+ "endpoint, so the tokens stay valid there until they expire." + revocationHint());
		}
		boolean refresh = credentials.refreshToken() != null;
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("token", refresh ? credentials.refreshToken() : credentials.accessToken());
		form.add("token_type_hint", refresh ? "refresh_token" : "access_token");
		HttpHeaders headers = new HttpHeaders();
		// RFC 7009 section 2.1: a client with credentials authenticates
		authenticateClient(form, headers);
		DpopKey key = credentials.dpopKey();
		if (key != null) {
			// a server may ask bound tokens to be revoked by their holder; others ignore
			// it
			headers.addAll(dpopHeaders(key, endpoint));
		}
		OAuthRestClients.hideSecretValues(form);
		try {
			this.restClient.post()
				.uri(endpoint)
				.headers((all) -> all.addAll(headers))
				.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
				.body(form)
				.retrieve()
				.toBodilessEntity();
			return new LogoutResult(true, true,
					"Signed out. The " + (refresh ? "refresh" : "access") + " token was revoked at " + endpoint + ".");
		}
		catch (org.springframework.web.client.RestClientResponseException ex) {
			return new LogoutResult(true, false,
					"Signed out locally, but " + endpoint + " refused the revocation (HTTP "
							+ ex.getStatusCode().value() + "); the tokens stay valid there until they expire.");
		}
		catch (org.springframework.web.client.RestClientException ex) {
			return new LogoutResult(true, false, "Signed out locally, but " + endpoint + " could not be reached ("
					+ ProviderDiscovery.rootMessage(ex) + "); the tokens stay valid there until they expire.");
		}
	}

	private String revocationHint() {
		Provider provider = this.config.getProvider();
		if (provider == Provider.GITHUB) {
			return " To revoke the authorization, open https://github.com/settings/applications.";
		}
		if (provider == Provider.MICROSOFT) {
			return " Microsoft Entra ID offers clients no revocation endpoint; an administrator can revoke the "
					+ "user's sessions.";
		}
		return "";
	}

	/**
	 * Adds the client's credentials to a request the client makes itself (device
	 * authorization, device token, revocation): the {@code client_id}, and the secret as
	 * the configuration says (RFC 6749 section 2.3.1).
	 * @param form the form parameters
	 * @param headers the request headers
	 */
	void authenticateClient(MultiValueMap<String, String> form, HttpHeaders headers) {
		String secret = this.config.clientSecret();
		if (secret != null && this.config.getClientAuthentication() == ClientAuthentication.CLIENT_SECRET_BASIC) {
			// RFC 6749 section 2.3.1: both URL-encoded before Basic encoding
			headers.setBasicAuth(URLEncoder.encode(this.config.getClientId(), StandardCharsets.UTF_8),
					URLEncoder.encode(secret, StandardCharsets.UTF_8));
			return;
		}
		form.set(OAuth2ParameterNames.CLIENT_ID, this.config.getClientId());
		if (secret != null) {
			form.set(OAuth2ParameterNames.CLIENT_SECRET, secret);
		}
	}

	/**
	 * Reads who is signed in from the userinfo endpoint with the access token, without
	 * refreshing it: OpenID Connect Core section 5.3, or GitHub's {@code GET /user}.
	 * @param credentials the credentials
	 * @return the claims or fields of the response
	 * @throws PkceException when there is no userinfo endpoint or the request fails
	 */
	Map<String, Object> userInfo(Credentials credentials) {
		ProviderMetadata provider = getProviderMetadata();
		URI endpoint = provider.getUserInfoEndpoint();
		if (endpoint == null) {
			throw new PkceException(PkceErrorCodes.INVALID_METADATA,
					"The authorization server has no userinfo endpoint to read the signed-in user from.");
		}
		try {
			try {
				return readUserInfo(credentials, endpoint);
			}
			catch (org.springframework.web.client.RestClientResponseException ex) {
				if (!credentials.isDpopBound() || !isNonceChallenge(ex, endpoint)) {
					throw ex;
				}
				// RFC 9449 section 9: once more, with the nonce of the answer
				return readUserInfo(credentials, endpoint);
			}
		}
		catch (org.springframework.web.client.RestClientResponseException ex) {
			boolean rejected = ex.getStatusCode().value() == 401;
			throw new PkceException(rejected ? "invalid_token" : PkceErrorCodes.SERVER_UNAVAILABLE,
					endpoint + " answered HTTP " + ex.getStatusCode().value()
							+ (rejected ? ": the access token was rejected" : ""),
					ex);
		}
		catch (org.springframework.web.client.RestClientException ex) {
			throw new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
					endpoint + " could not be reached (" + ProviderDiscovery.rootMessage(ex) + ")", ex);
		}
	}

	private Map<String, Object> readUserInfo(Credentials credentials, URI endpoint) {
		Map<String, Object> body = this.restClient.get()
			.uri(endpoint)
			.accept(org.springframework.http.MediaType.APPLICATION_JSON)
			.headers((headers) -> authorize(headers, credentials, "GET", endpoint))
			.retrieve()
			.body(JSON_OBJECT);
		return (body != null) ? body : Map.of();
	}

	/**
	 * Whether a resource's answer asks for a DPoP nonce (RFC 9449 section 9), recording
	 * the nonce it carries.
	 */
	private boolean isNonceChallenge(org.springframework.web.client.RestClientResponseException ex, URI endpoint) {
		HttpHeaders headers = ex.getResponseHeaders();
		if (ex.getStatusCode().value() != 401 || headers == null || !this.nonces.update(endpoint, headers)) {
			return false;
		}
		return io.github.pkce.internal.WwwAuthenticate.parse(headers.getOrEmpty(HttpHeaders.WWW_AUTHENTICATE))
			.hasError(DPOP_HEADER, USE_DPOP_NONCE);
	}

	/**
	 * Puts the access token on a request the client makes itself: as a bearer token, or
	 * as a DPoP token with a proof for the request (RFC 9449 section 7.1).
	 */
	private void authorize(HttpHeaders headers, Credentials credentials, String method, URI uri) {
		DpopKey key = credentials.dpopKey();
		if (key != null && credentials.isDpopBound()) {
			headers.set(HttpHeaders.AUTHORIZATION, Credentials.DPOP + " " + credentials.accessToken());
			headers.set(DPOP_HEADER,
					this.proofs.create(key, method, uri, credentials.accessToken(), this.nonces.get(uri)));
		}
		else {
			headers.setBearerAuth(credentials.accessToken());
		}
	}

	private void checkResponse(AuthorizationCode response, ProviderMetadata provider) {
		if (response.isError()) {
			String error = Objects.requireNonNull(response.error());
			String description = response.errorDescription();
			if (PkceErrorCodes.INVALID_RESPONSE.equals(error)) {
				throw new PkceException(error,
						"The sign-in response was malformed" + ((description != null) ? ": " + description : ".")
								+ " The code was not used; run the login again.");
			}
			throw new PkceException(error, "The authorization server refused the sign-in: " + error
					+ ((description != null) ? " (" + description + ")" : "") + ". " + advice(error));
		}
		// RFC 9207 section 2.4: a present iss must match; an advertised one must be
		// present
		String issuer = provider.getIssuer();
		String iss = response.issuer();
		if (issuer == null) {
			// explicit endpoints without an issuer: there is nothing to compare iss with
			return;
		}
		if (iss != null && !Issuers.isResponseIssuer(this.config.getProvider(), issuer, iss)) {
			throw new PkceException(PkceErrorCodes.INVALID_ISSUER,
					"The sign-in response came from issuer '" + iss + "', not from '" + issuer
							+ "'. It was rejected (RFC 9207); the code was not used. This can mean a mix-up "
							+ "attack; sign in again and check the configured issuer.");
		}
		if (iss == null && provider.isAuthorizationResponseIssParameterSupported()) {
			throw new PkceException(PkceErrorCodes.INVALID_ISSUER, "The sign-in response has no 'iss' although "
					+ issuer + " always sends one (RFC 9207). It was rejected; the code was not used. Sign in again.");
		}
	}

	private static String advice(String error) {
		return switch (error) {
			case "access_denied" -> "The sign-in was cancelled or not allowed; run the login again to retry.";
			case "invalid_scope" -> "Check the configured scopes against what the client may request.";
			case "unauthorized_client", "invalid_client", "invalid_request" ->
				"Check the client id and that the client is registered as a native (public) client with the "
						+ "redirect URI of this program's configuration (such as http://127.0.0.1/callback, any port).";
			default -> "Run the login again; if it keeps failing, check the client's registration.";
		};
	}

	private Credentials exchange(ClientRegistration registration, OAuth2AuthorizationRequest request,
			AuthorizationCode response, ProviderMetadata provider, @Nullable DpopKey key) {
		OAuth2AuthorizationResponse authorizationResponse = OAuth2AuthorizationResponse
			.success(Objects.requireNonNull(response.code()))
			.redirectUri(request.getRedirectUri())
			.state(response.state())
			.build();
		OAuth2AuthorizationExchange exchange = new OAuth2AuthorizationExchange(request, authorizationResponse);
		RestClientAuthorizationCodeTokenResponseClient tokenClient = new RestClientAuthorizationCodeTokenResponseClient();
		tokenClient.setRestClient(this.tokenRestClient);
		tokenClient.setParametersCustomizer((parameters) -> {
			if (this.config.isRepeatAuthorizationParametersInTokenRequest()) {
				request.getAdditionalParameters().forEach((name, value) -> {
					if (!ClientConfig.RESERVED_PARAMETERS.contains(name)) {
						parameters.putIfAbsent(name, java.util.List.of(String.valueOf(value)));
					}
				});
				parameters.putIfAbsent(OAuth2ParameterNames.SCOPE,
						java.util.List.of(String.join(" ", request.getScopes())));
			}
			addAll(parameters, this.config.getTokenParameters());
			OAuthRestClients.hideSecretValues(parameters);
		});
		if (key != null) {
			// RFC 9449 section 5: a new proof for each request, with the latest nonce
			tokenClient.addHeadersConverter((grant) -> dpopHeaders(key, provider.getTokenEndpoint()));
		}
		// the providers keep only parts of the token response: capture it whole
		AtomicReference<OAuth2AccessTokenResponse> tokenResponse = new AtomicReference<>();
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> capturing = (grant) -> {
			OAuth2AccessTokenResponse result = withDpopNonceRetry(key, () -> tokenClient.getTokenResponse(grant));
			tokenResponse.set(result);
			return result;
		};
		String idToken = null;
		try {
			if (request.getScopes().contains(OidcScopes.OPENID)) {
				OidcAuthorizationCodeAuthenticationProvider oidc = new OidcAuthorizationCodeAuthenticationProvider(
						capturing, ID_TOKEN_ONLY);
				oidc.setJwtDecoderFactory(idTokenDecoders(provider));
				OAuth2LoginAuthenticationToken result = (OAuth2LoginAuthenticationToken) oidc
					.authenticate(new OAuth2LoginAuthenticationToken(registration, exchange));
				idToken = ((OidcUser) result.getPrincipal()).getIdToken().getTokenValue();
			}
			else {
				new OAuth2AuthorizationCodeAuthenticationProvider(capturing)
					.authenticate(new OAuth2AuthorizationCodeAuthenticationToken(registration, exchange));
			}
		}
		catch (OAuth2AuthenticationException ex) {
			throw translate(ex.getError(), ex, "exchange", provider);
		}
		catch (OAuth2AuthorizationException ex) {
			throw translate(ex.getError(), ex, "exchange", provider);
		}
		OAuth2AccessTokenResponse result = Objects.requireNonNull(tokenResponse.get());
		if (idToken == null
				&& result.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN) instanceof String value) {
			idToken = value;
		}
		OAuth2RefreshToken refreshToken = result.getRefreshToken();
		if (refreshToken == null) {
			warnWhenOfflineAccessWasRefused(request, provider);
		}
		Credentials credentials = toCredentials(result, (refreshToken != null) ? refreshToken.getTokenValue() : null,
				idToken, request.getScopes(), key);
		checkBinding(credentials, provider);
		return credentials;
	}

	/**
	 * Accepts a bearer token answered to a request with a DPoP proof, as RFC 9449 section
	 * 5 allows, unless DPoP is required.
	 * @param credentials the new credentials
	 * @param provider the server's metadata
	 */
	void checkBinding(Credentials credentials, ProviderMetadata provider) {
		if (credentials.dpopKey() == null || credentials.isDpopBound()) {
			return;
		}
		if (this.config.getDpop() == DpopMode.ALWAYS) {
			throw new PkceException(PkceErrorCodes.DPOP_UNSUPPORTED, describe(provider)
					+ " answered the DPoP proof with a " + credentials.tokenType() + " token, not one bound to the "
					+ "key, and DPoP is required (dpop=always). The tokens were not stored. Enable DPoP for this "
					+ "client on the server, or set dpop to auto to accept bearer tokens.");
		}
		logger.debug("The server issued a " + credentials.tokenType()
				+ " token although the request carried a DPoP proof; it is used as a bearer token");
	}

	/**
	 * Tells the user when a login asked for offline access but received no refresh token:
	 * OpenID Connect Core section 11 lets a server grant {@code offline_access} only when
	 * the request carries {@code prompt=consent}, and strict servers drop the scope
	 * silently otherwise; Google needs {@code access_type=offline} and, for a user who
	 * consented before, {@code prompt=consent}.
	 */
	private void warnWhenOfflineAccessWasRefused(OAuth2AuthorizationRequest request, ProviderMetadata provider) {
		boolean offlineScope = request.getScopes().contains(OFFLINE_ACCESS);
		boolean offlineType = "offline".equals(request.getAdditionalParameters().get("access_type"));
		if (!offlineScope && !offlineType) {
			return;
		}
		String asked = offlineScope ? "offline access (scope offline_access)" : "offline access (access_type=offline)";
		String server = describe(provider);
		String consequence = "Warning: the sign-in asked for " + asked + " but " + server
				+ " returned no refresh token, so you will have to sign in again when the access token expires.";
		Object prompt = request.getAdditionalParameters().get("prompt");
		String advice = (prompt != null && String.valueOf(prompt).contains("consent"))
				? " The request carried prompt=consent, so the server declined: check that the client may use "
						+ "refresh tokens (Okta: the Refresh Token grant type; Auth0: Allow Offline Access on the API; "
						+ "Keycloak: the offline_access role)."
				: " A server may grant offline access only when the request carries prompt=consent (OpenID "
						+ "Connect Core section 11), and some drop the scope silently otherwise: set the authorization "
						+ "parameter prompt=consent (auth.pkce.authorization-parameters.prompt=consent) and sign in "
						+ "again.";
		// through the prompt only: a log line too would print it twice on a console
		this.prompt.accept(consequence + advice);
	}

	private IdTokenDecoders idTokenDecoders(ProviderMetadata provider) {
		IdTokenDecoders decoders = this.idTokenDecoders;
		if (decoders == null) {
			decoders = new IdTokenDecoders(this.restClient, this.config.getClockSkew(), this.clock,
					provider.getIdTokenSigningAlgorithms(), this.config.getProvider());
			this.idTokenDecoders = decoders;
		}
		return decoders;
	}

	/**
	 * Validates an ID token that came without a {@code nonce} to check, as from the
	 * device grant: signature, {@code iss}, {@code aud}, {@code azp}, {@code exp} and
	 * {@code iat}.
	 * @param idToken the ID token
	 * @param provider the server's metadata
	 * @return the ID token
	 * @throws PkceException with {@link PkceErrorCodes#INVALID_ID_TOKEN} when it fails
	 */
	String validateIdToken(String idToken, ProviderMetadata provider) {
		ClientRegistration registration = registration(provider, this.config.getRedirectUri().toString());
		try {
			idTokenDecoders(provider).createDecoder(registration).decode(idToken);
		}
		catch (JwtException | OAuth2AuthenticationException ex) {
			throw new PkceException(PkceErrorCodes.INVALID_ID_TOKEN,
					"The ID token from " + provider.getIssuer() + " failed validation ("
							+ ProviderDiscovery.rootMessage(ex) + "). The login was rejected; sign in again, and if "
							+ "it keeps failing check the issuer and client id.",
					ex);
		}
		return idToken;
	}

	RestClient restClient() {
		return this.restClient;
	}

	DpopNonces nonces() {
		return this.nonces;
	}

	RestClient tokenRestClient() {
		return this.tokenRestClient;
	}

	Consumer<String> prompt() {
		return this.prompt;
	}

	Clock clock() {
		return this.clock;
	}

	private @Nullable String validateRefreshedIdToken(ClientRegistration registration, String idToken,
			@Nullable String previous, ProviderMetadata provider) {
		Jwt jwt;
		try {
			jwt = idTokenDecoders(provider).createDecoder(registration).decode(idToken);
		}
		catch (JwtException | OAuth2AuthenticationException ex) {
			throw new PkceException(PkceErrorCodes.INVALID_ID_TOKEN,
					"The ID token returned by the refresh failed validation (" + ProviderDiscovery.rootMessage(ex)
							+ "). The stored credentials were kept; sign in again if this persists.",
					ex);
		}
		// OpenID Connect Core section 12.2: a refreshed ID token must be about the same
		// user
		if (previous != null && !Objects.equals(jwt.getSubject(), subject(previous))) {
			throw new PkceException(PkceErrorCodes.INVALID_ID_TOKEN,
					"The ID token returned by the refresh is for a different user. It was rejected; sign in again.");
		}
		return idToken;
	}

	private static @Nullable String subject(String idToken) {
		try {
			return JWTParser.parse(idToken).getJWTClaimsSet().getSubject();
		}
		catch (ParseException ex) {
			return null;
		}
	}

	PkceException translate(OAuth2Error error, Exception ex, String step, ProviderMetadata provider) {
		String code = standardCode(error.getErrorCode());
		String description = error.getDescription();
		URI tokenEndpoint = provider.getTokenEndpoint();
		Throwable cause = ex.getCause();
		while (cause instanceof OAuth2AuthorizationException nested && nested.getCause() != null) {
			cause = nested.getCause();
		}
		if (cause instanceof ResourceAccessException || cause instanceof HttpServerErrorException) {
			String what = (cause instanceof HttpServerErrorException server)
					? "answered HTTP " + server.getStatusCode().value() : "could not be reached";
			return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
					"The token endpoint " + tokenEndpoint + " " + what + " during the " + step
							+ ". Nothing was changed; check the network connection and try again.",
					ex);
		}
		if (cause instanceof HttpClientErrorException client) {
			int status = client.getStatusCode().value();
			if (status == 401 || status == 403) {
				return new PkceException("invalid_client", "The token endpoint " + tokenEndpoint + " refused the "
						+ step + " with HTTP " + status + ". " + clientAdvice(), ex);
			}
			if (status == 429) {
				return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
						"The token endpoint " + tokenEndpoint + " asked to slow down (HTTP 429) during the " + step
								+ ". Nothing was changed; try again " + "later.",
						ex);
			}
			return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
					"The token endpoint " + tokenEndpoint + " answered HTTP " + status + " during the " + step
							+ ". Nothing was changed; check the " + "token endpoint of the configuration.",
					ex);
		}
		if ("invalid_token_response".equals(code)) {
			return new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
					"The token endpoint " + tokenEndpoint
							+ " sent a response that is not a valid OAuth token response during the " + step
							+ ". Nothing was changed; try again later.",
					ex);
		}
		if ("invalid_id_token".equals(code) || "invalid_nonce".equals(code)) {
			return new PkceException(PkceErrorCodes.INVALID_ID_TOKEN,
					"The ID token from " + provider.getIssuer() + " failed validation"
							+ ((description != null) ? " (" + description + ")" : " (" + code + ")")
							+ ". The login was rejected; sign in again, and if it keeps failing check the issuer "
							+ "and client id.",
					ex);
		}
		String action = "invalid_client".equals(code) ? clientAdvice()
				: "refresh".equals(step) ? "Sign in again." : "Run the login again.";
		if ("invalid_dpop_proof".equals(code)) {
			// RFC 9449 section 4.3: a proof is refused when its iat is far from the
			// server's time, or when it is made with another key than the token's
			action = "Check that this computer's clock is right: the server refuses a DPoP proof whose time is far "
					+ "from its own. " + action;
		}
		String named = code.equals(error.getErrorCode()) ? code : code + ", " + error.getErrorCode();
		return new PkceException(code, "The token endpoint refused the " + step + ": " + named
				+ ((description != null) ? " (" + description + ")" : "") + ". " + action, ex);
	}

	/**
	 * Maps GitHub's own error codes to those of RFC 6749 section 5.2, so that callers act
	 * on them alike (an {@code invalid_grant} drops the refresh token): <a href=
	 * "https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors">GitHub's
	 * token request errors</a>.
	 */
	private static String standardCode(String code) {
		return switch (code) {
			case "bad_verification_code", "bad_refresh_token", "incorrect_device_code" -> "invalid_grant";
			case "incorrect_client_credentials" -> "invalid_client";
			default -> code;
		};
	}

	private String clientAdvice() {
		return this.config.hasClientSecret() ? "Check the client id and the client secret."
				: "Check the client id and that the client is registered as a public client (or set the client "
						+ "secret the provider issued for it).";
	}

	ClientRegistration registration(ProviderMetadata provider, String redirectUri) {
		String secret = this.config.clientSecret();
		ClientAuthenticationMethod method = (secret == null) ? ClientAuthenticationMethod.NONE
				: (this.config.getClientAuthentication() == ClientAuthentication.CLIENT_SECRET_POST)
						? ClientAuthenticationMethod.CLIENT_SECRET_POST
						: ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
		return ClientRegistration.withRegistrationId("pkce")
			.clientId(this.config.getClientId())
			.clientSecret(secret)
			.clientAuthenticationMethod(method)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(redirectUri)
			.scope(this.config.getScopes())
			.authorizationUri(provider.getAuthorizationEndpoint().toString())
			.tokenUri(provider.getTokenEndpoint().toString())
			.jwkSetUri((provider.getJwkSetUri() != null) ? provider.getJwkSetUri().toString() : null)
			.issuerUri(provider.getIssuer())
			.userNameAttributeName("sub")
			.build();
	}

	private OAuth2AuthorizationRequest authorizationRequest(ProviderMetadata provider, URI redirectUri, String state,
			String nonce, @Nullable DpopKey key) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		if (this.config.getAudience() != null) {
			parameters.put("audience", this.config.getAudience());
		}
		parameters.putAll(this.config.getAuthorizationParameters());
		Set<String> scopes = this.config.getScopes();
		boolean oidc = scopes.contains(OidcScopes.OPENID);
		OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(provider.getAuthorizationEndpoint().toString())
			.clientId(this.config.getClientId())
			.redirectUri(redirectUri.toString())
			.scopes(scopes)
			.state(state)
			.additionalParameters((additional) -> {
				additional.putAll(parameters);
				if (key != null) {
					// RFC 9449 section 10: the code is bound to the key
					additional.put("dpop_jkt", key.thumbprint());
				}
				if (oidc) {
					// the request carries the nonce's hash, as
					// OidcAuthorizationCodeAuthenticationProvider
					// compares the ID token's nonce with the hash of the raw value kept
					// here
					additional.put(OidcParameterNames.NONCE, Hashes.sha256Base64Url(nonce));
				}
			})
			.attributes((attributes) -> {
				if (oidc) {
					attributes.put(OidcParameterNames.NONCE, nonce);
				}
			});
		OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
		return builder.build();
	}

	Credentials toCredentials(OAuth2AccessTokenResponse response, @Nullable String refreshToken,
			@Nullable String idToken, Set<String> requestedScopes, @Nullable DpopKey key) {
		OAuth2AccessToken accessToken = response.getAccessToken();
		boolean expiryUnknown = response.getAdditionalParameters().containsKey(OAuthRestClients.EXPIRES_IN_ABSENT);
		// RFC 6749 section 5.1: no scope in the response means the requested scope was
		// granted
		Set<String> scopes = accessToken.getScopes().isEmpty() ? requestedScopes : accessToken.getScopes();
		if (this.config.getProvider() == Provider.GITHUB) {
			// GitHub separates granted scopes with commas ("repo,gist")
			scopes = scopes.stream()
				.flatMap((scope) -> java.util.Arrays.stream(scope.split(",")))
				.filter((scope) -> !scope.isBlank())
				.collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
		}
		return new Credentials(accessToken.getTokenValue(), accessToken.getTokenType().getValue(),
				expiryUnknown ? null : accessToken.getExpiresAt(), refreshToken, idToken, scopes, key);
	}

	private static void addAll(MultiValueMap<String, String> parameters, Map<String, String> extra) {
		extra.forEach((name, value) -> parameters.set(name, value));
	}

	private static String randomToken() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * A browser login whose callback server is listening: the authorization request is
	 * ready to be printed and opened. Closing it frees the port.
	 */
	final class PendingLogin implements AutoCloseable {

		private final OAuthHttpServer server;

		private final ProviderMetadata provider;

		private final ClientRegistration registration;

		private final OAuth2AuthorizationRequest request;

		private final URI authorizationUri;

		private final @Nullable DpopKey key;

		private final @Nullable PushedAuthorizationRequest pushed;

		private PendingLogin(OAuthHttpServer server, ProviderMetadata provider, ClientRegistration registration,
				OAuth2AuthorizationRequest request, @Nullable DpopKey key,
				@Nullable PushedAuthorizationRequest pushed) {
			this.server = server;
			this.provider = provider;
			this.registration = registration;
			this.request = request;
			this.key = key;
			this.pushed = pushed;
			// a pushed request is made fresh when the browser arrives
			this.authorizationUri = (pushed != null) ? server.startAt(pushed::browserUri)
					: URI.create(request.getAuthorizationRequestUri());
		}

		/**
		 * Returns the redirect URI with the port actually bound.
		 * @return the redirect URI
		 */
		URI redirectUri() {
			return this.server.getRedirectUri();
		}

		/**
		 * Prints the sign-in URL before the browser is opened.
		 */
		void showPrompt() {
			prompt("Opening the browser to sign in. If it does not open, visit this URL:");
		}

		/**
		 * Prints the sign-in URL after the browser could not be opened.
		 */
		void showPromptWithoutBrowser() {
			prompt("No browser could be opened. To sign in, visit this URL in a browser on this machine:");
		}

		private void prompt(String introduction) {
			AuthorizationClient.this.prompt.accept(introduction + System.lineSeparator() + System.lineSeparator()
					+ "    " + this.authorizationUri + System.lineSeparator());
		}

		/**
		 * Asks the browser launcher to open the authorization request.
		 * @return whether a browser was started
		 */
		boolean openBrowser() {
			return AuthorizationClient.this.browserLauncher.open(this.authorizationUri);
		}

		/**
		 * Waits for the redirect, then checks the response and exchanges the code.
		 * @return the new credentials
		 */
		Credentials complete() {
			AuthorizationCode response;
			try {
				response = this.server.awaitAuthorizationCode(AuthorizationClient.this.config.getLoginTimeout());
			}
			catch (PkceException ex) {
				if (this.pushed == null || !PkceErrorCodes.LOGIN_TIMEOUT.equals(ex.getErrorCode())) {
					throw ex;
				}
				throw new PkceException(ex.getErrorCode(), ex.getMessage() + this.pushed.expiryHint(), ex);
			}
			this.server.close();
			if (this.pushed != null && response.isError()) {
				PushedAuthorizationRequest.checkStartFailure(Objects.requireNonNull(response.error()),
						response.errorDescription());
			}
			checkResponse(response, this.provider);
			return exchange(this.registration, this.request, response, this.provider, this.key);
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	/**
	 * A refresh grant made with the DPoP key its refresh token is bound to.
	 */
	private static final class DpopRefreshGrantRequest extends OAuth2RefreshTokenGrantRequest {

		private final DpopKey key;

		DpopRefreshGrantRequest(ClientRegistration registration, OAuth2AccessToken accessToken,
				OAuth2RefreshToken refreshToken, Set<String> scopes, DpopKey key) {
			super(registration, accessToken, refreshToken, scopes);
			this.key = key;
		}

	}

	/**
	 * Builds an {@link AuthorizationClient}.
	 */
	public static final class Builder {

		private final ClientConfig config;

		private @Nullable RestClient restClient;

		private BrowserLauncher browserLauncher = BrowserLauncher.none();

		private EndpointMetadata pages = EndpointMetadata.defaults();

		private Consumer<String> prompt = System.err::println;

		private Clock clock = Clock.systemUTC();

		private Builder(ClientConfig config) {
			Assert.notNull(config, "config cannot be null");
			this.config = config;
		}

		/**
		 * Sets the {@link RestClient} for discovery, token and JWK requests; its TLS,
		 * proxy and timeout settings apply. OAuth's converters and error handling are
		 * added to a copy. Without one, a client with a 10 s connect and a 30 s read
		 * timeout is used.
		 * @param restClient the client
		 * @return this builder
		 */
		public Builder restClient(RestClient restClient) {
			Assert.notNull(restClient, "restClient cannot be null");
			this.restClient = restClient;
			return this;
		}

		/**
		 * Sets how the browser is opened; by default none is and the user opens the
		 * printed URL.
		 * @param browserLauncher the launcher
		 * @return this builder
		 */
		public Builder browserLauncher(BrowserLauncher browserLauncher) {
			Assert.notNull(browserLauncher, "browserLauncher cannot be null");
			this.browserLauncher = browserLauncher;
			return this;
		}

		/**
		 * Sets the pages shown in the browser after the redirect.
		 * @param pages the pages
		 * @return this builder
		 */
		public Builder pages(EndpointMetadata pages) {
			Assert.notNull(pages, "pages cannot be null");
			this.pages = pages;
			return this;
		}

		/**
		 * Sets where the sign-in URL and instructions are printed; standard error by
		 * default, so standard output stays clean for the program's own output.
		 * @param prompt the receiver of the text
		 * @return this builder
		 */
		public Builder prompt(Consumer<String> prompt) {
			Assert.notNull(prompt, "prompt cannot be null");
			this.prompt = prompt;
			return this;
		}

		/**
		 * Sets the clock, for ID token time checks, the expiry of pushed authorization
		 * requests and the {@code iat} of DPoP proofs.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			Assert.notNull(clock, "clock cannot be null");
			this.clock = clock;
			return this;
		}

		/**
		 * Builds the client.
		 * @return the client
		 */
		public AuthorizationClient build() {
			return new AuthorizationClient(this);
		}

	}

}
