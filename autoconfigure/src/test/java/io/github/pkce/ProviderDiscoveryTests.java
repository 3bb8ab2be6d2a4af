package io.github.pkce;

import java.net.URI;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Discovery documents a real server will not produce on demand: another issuer, missing
 * endpoints, 404 on one well-known location, outages.
 */
class ProviderDiscoveryTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private final RestClient restClient = RestClient.create();

	private String document(String issuer) {
		return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
				+ "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
				+ "\"revocation_endpoint\":\"" + issuer + "/revoke\","
				+ "\"authorization_response_iss_parameter_supported\":true,"
				+ "\"id_token_signing_alg_values_supported\":[\"ES256\"],\"code_challenge_methods_supported\":[\"S256\"]}";
	}

	@Test
	void openIdConfigurationIsRead() {
		String issuer = server.baseUrl() + "/realms/demo";
		server.stubFor(get("/realms/demo/.well-known/openid-configuration").willReturn(okJson(document(issuer))));
		ProviderMetadata metadata = ProviderDiscovery.discover(this.restClient, URI.create(issuer));
		assertThat(metadata.getIssuer()).isEqualTo(issuer);
		assertThat(metadata.getAuthorizationEndpoint()).hasToString(issuer + "/authorize");
		assertThat(metadata.getTokenEndpoint()).hasToString(issuer + "/token");
		assertThat(metadata.getJwkSetUri()).hasToString(issuer + "/jwks");
		assertThat(metadata.getRevocationEndpoint()).hasToString(issuer + "/revoke");
		assertThat(metadata.isAuthorizationResponseIssParameterSupported()).isTrue();
		assertThat(metadata.getIdTokenSigningAlgorithms()).containsExactly("ES256");
		assertThat(metadata.getCodeChallengeMethods()).containsExactly("S256");
	}

	@Test
	void dpopAndPushedAuthorizationRequestMetadataIsRead() {
		String issuer = server.baseUrl() + "/realms/par";
		String document = document(issuer).replace("}",
				",\"dpop_signing_alg_values_supported\":[\"ES256\",\"PS256\"],"
						+ "\"pushed_authorization_request_endpoint\":\"" + issuer + "/par\","
						+ "\"require_pushed_authorization_requests\":true}");
		server.stubFor(get("/realms/par/.well-known/openid-configuration").willReturn(okJson(document)));
		ProviderMetadata metadata = ProviderDiscovery.discover(this.restClient, URI.create(issuer));
		assertThat(metadata.getDpopSigningAlgorithms()).containsExactly("ES256", "PS256");
		assertThat(metadata.getPushedAuthorizationRequestEndpoint()).hasToString(issuer + "/par");
		assertThat(metadata.isRequirePushedAuthorizationRequests()).isTrue();
	}

	@Test
	void metadataWithoutDpopOrPushedAuthorizationRequestsSaysSo() {
		String issuer = server.baseUrl() + "/realms/plain";
		server.stubFor(get("/realms/plain/.well-known/openid-configuration").willReturn(okJson(document(issuer))));
		ProviderMetadata metadata = ProviderDiscovery.discover(this.restClient, URI.create(issuer));
		assertThat(metadata.getDpopSigningAlgorithms()).isEmpty();
		assertThat(metadata.getPushedAuthorizationRequestEndpoint()).isNull();
		assertThat(metadata.isRequirePushedAuthorizationRequests()).isFalse();
	}

	@Test
	void rfc8414MetadataIsReadWhenThereIsNoOpenIdConfiguration() {
		String issuer = server.baseUrl() + "/tenant";
		server.stubFor(get("/tenant/.well-known/openid-configuration").willReturn(aResponse().withStatus(404)));
		server.stubFor(get("/.well-known/oauth-authorization-server/tenant").willReturn(okJson(document(issuer))));
		assertThat(ProviderDiscovery.discover(this.restClient, URI.create(issuer)).getTokenEndpoint())
			.hasToString(issuer + "/token");
	}

	@Test
	void htmlPageInsteadOfADocumentIsReportedAsWrongMetadataAfterTryingBothLocations() {
		String issuer = server.baseUrl() + "/app";
		String page = "<html><body>Welcome</body></html>";
		server.stubFor(get("/app/.well-known/openid-configuration")
			.willReturn(aResponse().withHeader("Content-Type", "text/html").withBody(page)));
		server.stubFor(get("/.well-known/oauth-authorization-server/app")
			.willReturn(aResponse().withHeader("Content-Type", "text/html").withBody(page)));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create(issuer)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_METADATA))
			.withMessageStartingWith("The discovery document at " + issuer.replace("/app", "")
					+ "/.well-known/oauth-authorization-server/app is not JSON (")
			.withMessageEndingWith("). Check the configured issuer URI '" + issuer + "'.");
		assertThat(server.findAll(getRequestedFor(urlEqualTo("/.well-known/oauth-authorization-server/app"))))
			.hasSize(1);
	}

	@Test
	void malformedJsonIsReportedAsWrongMetadata() {
		String issuer = server.baseUrl() + "/broken";
		server.stubFor(get("/broken/.well-known/openid-configuration").willReturn(okJson("{\"issuer\":")));
		server.stubFor(get("/.well-known/oauth-authorization-server/broken").willReturn(okJson("{\"issuer\":")));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create(issuer)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_METADATA));
	}

	@Test
	void documentOfAnotherIssuerIsRefused() {
		String issuer = server.baseUrl();
		server.stubFor(get("/.well-known/openid-configuration").willReturn(okJson(document("https://evil.example"))));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create(issuer)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_METADATA))
			.withMessage("The discovery document at " + issuer + "/.well-known/openid-configuration names issuer "
					+ "'https://evil.example', not the configured issuer '" + issuer
					+ "'. Set the issuer URI to exactly the server's issuer (including any trailing slash).");
	}

	@Test
	void documentWithoutTokenEndpointIsRefused() {
		String issuer = server.baseUrl();
		server.stubFor(get("/.well-known/openid-configuration").willReturn(
				okJson("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\"}")));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create(issuer)))
			.withMessage("The discovery document at " + issuer + "/.well-known/openid-configuration has no "
					+ "token_endpoint, so this server cannot be used for a browser login.");
	}

	@Test
	void missingDocumentNamesTheIssuerToCheck() {
		String issuer = server.baseUrl() + "/nothing";
		server.stubFor(get("/nothing/.well-known/openid-configuration").willReturn(aResponse().withStatus(404)));
		server.stubFor(get("/.well-known/oauth-authorization-server/nothing").willReturn(aResponse().withStatus(404)));
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create(issuer)))
			.withMessage("The authorization server's discovery document at " + server.baseUrl()
					+ "/.well-known/oauth-authorization-server/nothing could not be read (HTTP 404). Check the "
					+ "configured issuer URI '" + issuer + "'.");
	}

	@Test
	void unreachableServerIsReportedAsUnavailable() {
		assertThatExceptionOfType(PkceException.class)
			.isThrownBy(() -> ProviderDiscovery.discover(this.restClient, URI.create("http://127.0.0.1:1")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.SERVER_UNAVAILABLE))
			.withMessageStartingWith(
					"Could not reach the authorization server at http://127.0.0.1:1/.well-known/openid-configuration (")
			.withMessageEndingWith("). Check the network connection and the issuer URI, then try again.");
	}

	@Test
	void wellKnownLocationsFollowBothSpecifications() {
		assertThat(ProviderDiscovery.locations(URI.create("https://idp.example/realms/a/"))).containsExactly(
				URI.create("https://idp.example/realms/a/.well-known/openid-configuration"),
				URI.create("https://idp.example/.well-known/oauth-authorization-server/realms/a"));
	}

}
