package io.github.pkce.http;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.ProviderMetadata;
import io.github.pkce.internal.Origin;
import io.github.pkce.store.InMemoryCredentialStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The interceptor against a service that rejects tokens on demand (WireMock) and a token
 * endpoint that rotates them.
 */
class BearerTokenInterceptorTests {

	@RegisterExtension
	static WireMockExtension api = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	@RegisterExtension
	static WireMockExtension other = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private PkceAuthenticator authenticator;

	private RestClient restClient;

	@BeforeEach
	void setUp() {
		ProviderMetadata metadata = ProviderMetadata
			.withEndpoints(URI.create(api.baseUrl() + "/authorize"), URI.create(api.baseUrl() + "/token"))
			.build();
		AuthorizationClient client = AuthorizationClient
			.withConfig(ClientConfig.withClientId("cli").providerMetadata(metadata).build())
			.build();
		InMemoryCredentialStore store = new InMemoryCredentialStore();
		this.authenticator = PkceAuthenticator.withClient(client)
			.credentialStore(store)
			.storeKey("k")
			.interactiveLogin(false)
			.build();
		store.save("k", new Credentials("at1", "Bearer", Instant.now().plusSeconds(3600), "rt1", null, Set.of()));
		api.stubFor(post("/token").willReturn(okJson(
				"{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt2\"}")));
		this.restClient = RestClient.builder()
			.requestInterceptor(
					new BearerTokenInterceptor(this.authenticator, List.of(URI.create(api.baseUrl() + "/v1"))))
			.build();
	}

	@Test
	void requestToTheConfiguredOriginCarriesTheToken() {
		api.stubFor(get("/data").willReturn(okJson("{}")));
		this.restClient.get().uri(api.baseUrl() + "/data").retrieve().toBodilessEntity();
		api.verify(getRequestedFor(urlEqualTo("/data")).withHeader("Authorization", equalTo("Bearer at1")));
	}

	@Test
	void requestToAnotherOriginCarriesNoToken() {
		other.stubFor(get("/data").willReturn(okJson("{}")));
		this.restClient.get().uri(other.baseUrl() + "/data").retrieve().toBodilessEntity();
		other.verify(getRequestedFor(urlEqualTo("/data")).withHeader("Authorization", absent()));
	}

	@Test
	void sameHostOnAnotherPortIsAnotherOrigin() {
		URI sameHostOtherPort = URI.create("http://127.0.0.1:" + other.getPort() + "/data");
		other.stubFor(get("/data").willReturn(okJson("{}")));
		this.restClient.get().uri(sameHostOtherPort).retrieve().toBodilessEntity();
		other.verify(getRequestedFor(urlEqualTo("/data")).withHeader("Authorization", absent()));
	}

	@Test
	void rejectedTokenIsRefreshedOnceAndTheRequestRetriedOnce() {
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at2")).willReturn(okJson("{}")));
		HttpStatusCode status = this.restClient.get()
			.uri(api.baseUrl() + "/data")
			.retrieve()
			.toBodilessEntity()
			.getStatusCode();
		assertThat(status.value()).isEqualTo(200);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
		assertThat(api.findAll(getRequestedFor(urlEqualTo("/data")))).hasSize(2);
	}

	@Test
	void aSecondRejectionIsReturnedWithoutLooping() {
		api.stubFor(get("/data")
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		int status = this.restClient.get()
			.uri(api.baseUrl() + "/data")
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(401);
		assertThat(api.findAll(getRequestedFor(urlEqualTo("/data")))).hasSize(2);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void otherUnauthorizedResponsesPassThrough() {
		api.stubFor(get("/data").willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic")));
		int status = this.restClient.get()
			.uri(api.baseUrl() + "/data")
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(401);
		assertThat(api.findAll(getRequestedFor(urlEqualTo("/data")))).hasSize(1);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
	}

	@Test
	void originIgnoresPathAndDefaultPorts() {
		assertThat(Origin.of(URI.create("https://API.example.com/v1/x")))
			.isEqualTo(Origin.of(URI.create("https://api.example.com:443")));
		assertThat(Origin.of(URI.create("http://api.example.com")))
			.isNotEqualTo(Origin.of(URI.create("https://api.example.com")));
	}

	@Test
	void rejectionWithAnUnquotedErrorIsRefreshedToo() {
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=invalid_token")));
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at2")).willReturn(okJson("{}")));
		assertThat(status("/data")).isEqualTo(200);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void rejectionAfterAnotherSchemesChallengeIsRefreshed() {
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at1"))
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "Basic realm=\"api\", Bearer realm=\"api\", error=\"invalid_token\"")));
		api.stubFor(get("/data").withHeader("Authorization", equalTo("Bearer at2")).willReturn(okJson("{}")));
		assertThat(status("/data")).isEqualTo(200);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
	}

	@Test
	void bearerTokenIsNotRefreshedWhenOnlyTheDpopChallengeSaysInvalidToken() {
		api.stubFor(get("/data").willReturn(aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "Bearer realm=\"api\", DPoP error=\"invalid_token\"")));
		assertThat(status("/data")).isEqualTo(401);
		assertThat(api.findAll(getRequestedFor(urlEqualTo("/data")))).hasSize(1);
		assertThat(api.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();
	}

	@Test
	void originWithoutAHostIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BearerTokenInterceptor(this.authenticator, List.of(URI.create("api.example.com"))))
			.withMessageContaining("absolute URI with a host");
	}

	private int status(String path) {
		return this.restClient.get()
			.uri(api.baseUrl() + path)
			.exchange((request, response) -> response.getStatusCode().value());
	}

}
