package io.github.pkce.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.google.api.client.auth.oauth2.BearerToken;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.Credential;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.testing.http.MockHttpTransport;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.http.BearerTokenInterceptor;
import io.github.pkce.store.InMemoryCredentialStore;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Builds the three contenders the same way for the hot-path benchmark and the refresh
 * storm: one public client, one signed-in user, one refresh token, an API origin that
 * receives the token.
 *
 * @author pkce-spring-boot
 */
final class Fixtures {

	static final String REGISTRATION_ID = "bench";

	static final String CLIENT_ID = "bench-cli";

	static final URI API_ORIGIN = URI.create("https://api.example.com");

	static final URI API_REQUEST = URI.create("https://api.example.com/v1/projects?page=2");

	/** Shaped like a 256-bit random token in base64url (43 characters). */
	static final String VALID_ACCESS_TOKEN = "q8V3kZl1mXoP0rT7uYwB2nC5dE9fG4hJ6iK8lM0nO1p";

	static final String EXPIRED_ACCESS_TOKEN = "expired-access-token";

	static final String REFRESH_TOKEN = "refresh-token";

	static final Authentication PRINCIPAL = UsernamePasswordAuthenticationToken.authenticated("alice", null,
			AuthorityUtils.NO_AUTHORITIES);

	private Fixtures() {
	}

	// pkce-spring-boot

	static AuthorizationClient pkceClient(URI tokenEndpoint) {
		ProviderMetadata metadata = ProviderMetadata.withEndpoints(tokenEndpoint.resolve("/authorize"), tokenEndpoint)
			.build();
		ClientConfig config = ClientConfig.withClientId(CLIENT_ID).providerMetadata(metadata).build();
		return AuthorizationClient.withConfig(config).build();
	}

	static PkceAuthenticator pkceAuthenticator(AuthorizationClient client, String accessToken, Instant expiresAt) {
		return pkceAuthenticator(client,
				new Credentials(accessToken, "Bearer", expiresAt, REFRESH_TOKEN, null, Set.of()));
	}

	/**
	 * Credentials bound to a DPoP key (RFC 9449): token type {@code DPoP}, so that the
	 * interceptor signs a proof for every request.
	 */
	static PkceAuthenticator pkceDpopAuthenticator(AuthorizationClient client, String accessToken, Instant expiresAt,
			DpopKey key) {
		return pkceAuthenticator(client,
				new Credentials(accessToken, Credentials.DPOP, expiresAt, REFRESH_TOKEN, null, Set.of(), key));
	}

	private static PkceAuthenticator pkceAuthenticator(AuthorizationClient client, Credentials credentials) {
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		PkceAuthenticator authenticator = PkceAuthenticator.withClient(client)
			.credentialStore(store)
			.interactiveLogin(false)
			.build();
		store.save(authenticator.getStoreKey(), credentials);
		return authenticator;
	}

	static BearerTokenInterceptor pkceInterceptor(PkceAuthenticator authenticator) {
		return new BearerTokenInterceptor(authenticator, List.of(API_ORIGIN));
	}

	// Spring Security

	static ClientRegistration springRegistration(URI tokenEndpoint) {
		return ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.clientId(CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri(tokenEndpoint.resolve("/authorize").toString())
			.tokenUri(tokenEndpoint.toString())
			.build();
	}

	/**
	 * What a client that signs users in and refreshes their tokens configures: the
	 * authorization code and refresh token providers, the latter with Spring Security's
	 * default {@code RestClientRefreshTokenTokenResponseClient}.
	 */
	static OAuth2AuthorizedClientProvider springProvider() {
		return OAuth2AuthorizedClientProviderBuilder.builder().authorizationCode().refreshToken().build();
	}

	static OAuth2ClientHttpRequestInterceptor springInterceptor(ClientRegistration registration,
			OAuth2AuthorizedClientProvider provider, String accessToken, Instant expiresAt) {
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		InMemoryOAuth2AuthorizedClientService service = new InMemoryOAuth2AuthorizedClientService(registrations);
		Instant issuedAt = expiresAt.minusSeconds(3600);
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, issuedAt,
				expiresAt);
		service.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, PRINCIPAL.getName(), token,
				new OAuth2RefreshToken(REFRESH_TOKEN, issuedAt)), PRINCIPAL);
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				registrations, service);
		manager.setAuthorizedClientProvider(provider);
		OAuth2ClientHttpRequestInterceptor interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
		interceptor.setPrincipalResolver((request) -> PRINCIPAL);
		return interceptor;
	}

	// google-oauth-client

	static Credential googleCredential(HttpTransport transport, URI tokenEndpoint, String accessToken,
			Instant expiresAt) {
		Credential credential = new Credential.Builder(BearerToken.authorizationHeaderAccessMethod())
			.setTransport(transport)
			.setJsonFactory(GsonFactory.getDefaultInstance())
			.setTokenServerEncodedUrl(tokenEndpoint.toString())
			.setClientAuthentication(new ClientParametersAuthentication(CLIENT_ID, null))
			.build();
		credential.setAccessToken(accessToken);
		credential.setRefreshToken(REFRESH_TOKEN);
		credential.setExpirationTimeMilliseconds(expiresAt.toEpochMilli());
		return credential;
	}

	/**
	 * A google-http-client request that is never executed, built on a mock transport.
	 */
	static com.google.api.client.http.HttpRequest googleRequest() {
		try {
			return new MockHttpTransport().createRequestFactory().buildGetRequest(new GenericUrl(API_REQUEST));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
