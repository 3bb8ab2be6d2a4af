package io.github.pkce.providers;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.pkce.ClientConfig;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import io.github.pkce.Provider;
import io.github.pkce.ProviderPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.pkce.providers.ProviderStub.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Microsoft Entra ID (v2.0 endpoints), played from its public documentation:
 * <ul>
 * <li><a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc">OpenID
 * Connect on the Microsoft identity platform</a>: the discovery document of
 * {@code /common/v2.0} names the issuer
 * {@code https://login.microsoftonline.com/{tenantid}/v2.0}, and has no
 * {@code revocation_endpoint};</li>
 * <li><a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer">Validate
 * the issuer</a>: replace {@code {tenantid}} with the token's {@code tid} claim;</li>
 * <li><a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/reply-url#localhost-exceptions">Redirect
 * URI localhost exceptions</a>: the port of {@code http://localhost} is ignored, a
 * redirect URI without path comes back with {@code /};</li>
 * <li><a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens">Refresh
 * tokens</a>: they replace themselves with a fresh token on every use; <a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token">the
 * refresh request</a> carries {@code scope}.</li>
 * </ul>
 * The stub's base URL stands for {@code https://login.microsoftonline.com}.
 */
class MicrosoftProviderTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	private static final String CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";

	private static final String CONTOSO = "72f988bf-86f1-41af-91ab-2d7cd011db47";

	private static final String FABRIKAM = "9188040d-6c67-4c5b-b112-36a304b66dad";

	private static final String SCOPES = "openid profile offline_access api://7b2f0c91-cli-api/.default";

	private final ProviderStub entra = new ProviderStub(server);

	private void discovery(String tenant, String documentTenant) {
		String base = this.entra.base() + "/" + tenant;
		this.entra.discovery("/" + tenant + "/v2.0", map("token_endpoint", base + "/oauth2/v2.0/token",
				"token_endpoint_auth_methods_supported",
				List.of("client_secret_post", "private_key_jwt", "client_secret_basic"), "jwks_uri",
				base + "/discovery/v2.0/keys", "response_modes_supported", List.of("query", "fragment", "form_post"),
				"subject_types_supported", List.of("pairwise"), "id_token_signing_alg_values_supported",
				List.of("RS256"), "response_types_supported", List.of("code", "id_token", "code id_token"),
				"scopes_supported", List.of("openid", "profile", "email", "offline_access"), "issuer",
				this.entra.base() + "/" + documentTenant + "/v2.0", "request_uri_parameter_supported", false,
				"userinfo_endpoint", "https://graph.microsoft.com/oidc/userinfo", "authorization_endpoint",
				base + "/oauth2/v2.0/authorize", "device_authorization_endpoint", base + "/oauth2/v2.0/devicecode",
				"end_session_endpoint", base + "/oauth2/v2.0/logout", "cloud_instance_name", "microsoftonline.com"));
		this.entra.keys("/" + tenant + "/discovery/v2.0/keys");
	}

	private String[] properties(String tenant, String... more) {
		List<String> all = new ArrayList<>(List.of("auth.pkce.provider=microsoft", "auth.pkce.client-id=" + CLIENT_ID,
				"auth.pkce.issuer-uri=" + this.entra.base() + "/" + tenant + "/v2.0",
				"auth.pkce.scopes=openid,profile,offline_access,api://7b2f0c91-cli-api/.default"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static String idToken(String issuerTenant, String tid, String nonce) {
		Map<String, Object> claims = map("ver", "2.0", "iss", server.baseUrl() + "/" + issuerTenant + "/v2.0", "sub",
				"AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "aud", CLIENT_ID, "oid",
				"00000000-0000-0000-66f3-3332eca7ea81", "preferred_username", "alice@contoso.com", "name", "Alice",
				"nonce", nonce);
		if (tid != null) {
			claims.put("tid", tid);
		}
		return ProviderStub.idToken(claims);
	}

	private RedirectingBrowser signingIn(String tenant, String issuerTenant, String tid) {
		return new RedirectingBrowser((request) -> {
			server.stubFor(post("/" + tenant + "/oauth2/v2.0/token")
				.withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson("{\"token_type\":\"Bearer\",\"scope\":\"api://7b2f0c91-cli-api/access_as_user\","
						+ "\"expires_in\":4385,\"ext_expires_in\":4385,\"access_token\":\"eyJ0eXAiOi-at1\","
						+ "\"refresh_token\":\"0.AR8-rt1\",\"id_token\":\""
						+ idToken(issuerTenant, tid, request.get("nonce")) + "\"}")));
			return "code=0.AR8AgrT-code&state=" + request.get("state") + "&session_state=fe1540c3";
		});
	}

	@Test
	void loginChecksTheIdTokenIssuerAgainstTheTenantItNames() {
		discovery("common", "{tenantid}");
		RedirectingBrowser browser = signingIn("common", CONTOSO, CONTOSO);
		ProviderApps.program(browser, properties("common")).run((context) -> {
			Credentials credentials = context.getBean(PkceAuthenticator.class).login();
			assertThat(credentials.refreshToken()).isEqualTo("0.AR8-rt1");
			Map<String, String> request = browser.lastRequest();
			// registered as http://localhost, which Entra returns with a trailing slash
			assertThat(request.get("redirect_uri")).matches("http://localhost:\\d+/");
			assertThat(request).containsEntry("scope", SCOPES);
			assertThat(ProviderApps.shell(context).status()).contains(
					"Signed in as alice@contoso.com (subject AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ)",
					"Scopes: api://7b2f0c91-cli-api/access_as_user");
		});
	}

	@Test
	void idTokenWhoseIssuerIsNotTheTenantItNamesIsRejected() {
		discovery("common", "{tenantid}");
		ProviderApps.program(signingIn("common", FABRIKAM, CONTOSO), properties("common")).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
				.withMessageContaining("is not " + server.baseUrl() + "/" + CONTOSO + "/v2.0");
		});
	}

	@Test
	void idTokenWithoutTenantIdIsRejected() {
		discovery("organizations", "{tenantid}");
		ProviderApps.program(signingIn("organizations", CONTOSO, null), properties("organizations")).run((context) -> {
			assertThatExceptionOfType(PkceException.class)
				.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_ID_TOKEN))
				.withMessageContaining("no valid tenant id (tid)");
		});
	}

	@Test
	void withoutThePresetTheTenantIndependentIssuerIsRefused() {
		discovery("common", "{tenantid}");
		ProviderApps
			.program(signingIn("common", CONTOSO, CONTOSO), "auth.pkce.client-id=" + CLIENT_ID,
					"auth.pkce.issuer-uri=" + this.entra.base() + "/common/v2.0", "auth.pkce.scopes=openid")
			.run((context) -> {
				assertThatExceptionOfType(PkceException.class)
					.isThrownBy(() -> context.getBean(PkceAuthenticator.class).login())
					.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(PkceErrorCodes.INVALID_METADATA))
					.withMessageContaining("names issuer '" + server.baseUrl() + "/{tenantid}/v2.0'");
			});
	}

	@Test
	void tenantGivenByDomainHasTheIssuerOfItsTenantId() {
		discovery("contoso.onmicrosoft.com", CONTOSO);
		ProviderApps
			.program(signingIn("contoso.onmicrosoft.com", CONTOSO, CONTOSO), properties("contoso.onmicrosoft.com"))
			.run((context) -> assertThat(context.getBean(PkceAuthenticator.class).login().idToken()).isNotNull());
	}

	@Test
	void refreshTokensRotateOnEveryUseAndTheScopeIsSentAgain() {
		discovery("common", "{tenantid}");
		String token = "/common/oauth2/v2.0/token";
		server.stubFor(post(token).inScenario("rotation")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("refresh_token=0.AR8-rt1"))
			.willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":4385,\"access_token\":\"at2\","
					+ "\"refresh_token\":\"0.AR8-rt2\",\"id_token\":\"" + idToken(CONTOSO, CONTOSO, "n/a") + "\"}"))
			.willSetStateTo("rotated"));
		server.stubFor(post(token).inScenario("rotation")
			.whenScenarioStateIs("rotated")
			.withRequestBody(containing("refresh_token=0.AR8-rt2"))
			.willReturn(okJson(
					"{\"token_type\":\"Bearer\",\"expires_in\":4385,\"access_token\":\"at3\",\"refresh_token\":\"0.AR8-rt3\"}")));
		ProviderApps.program(signingIn("common", CONTOSO, CONTOSO), properties("common")).run((context) -> {
			PkceAuthenticator authenticator = context.getBean(PkceAuthenticator.class);
			authenticator.login();
			assertThat(authenticator.refreshCredentials().refreshToken()).isEqualTo("0.AR8-rt2");
			assertThat(authenticator.refreshCredentials().refreshToken()).isEqualTo("0.AR8-rt3");
			assertThat(server
				.findAll(postRequestedFor(urlEqualTo(token)).withRequestBody(containing("grant_type=refresh_token"))
					.withRequestBody(containing("scope=" + RedirectingBrowser.encode(SCOPES)))))
				.hasSize(2);
		});
	}

	@Test
	void logoutIsLocalAndSaysSo() {
		discovery("common", "{tenantid}");
		ProviderApps.program(signingIn("common", CONTOSO, CONTOSO), properties("common")).run((context) -> {
			context.getBean(PkceAuthenticator.class).login();
			assertThat(ProviderApps.shell(context).logout()).singleElement()
				.asString()
				.isEqualTo("Signed out locally. The authorization server has no revocation endpoint, so the tokens "
						+ "stay valid there until they expire. Microsoft Entra ID offers clients no revocation endpoint; "
						+ "an administrator can revoke the user's sessions.");
			assertThat(context.getBean(PkceAuthenticator.class).currentCredentials()).isNull();
		});
	}

	@Test
	void tenantPropertyChoosesTheAuthority() {
		ProviderApps
			.program(new RedirectingBrowser((request) -> ""), "auth.pkce.provider=microsoft",
					"auth.pkce.client-id=" + CLIENT_ID, "auth.pkce.tenant=organizations")
			.run((context) -> {
				ClientConfig config = context.getBean(ClientConfigStore.class).get("default");
				assertThat(config.getIssuerUri()).hasToString("https://login.microsoftonline.com/organizations/v2.0");
				assertThat(config.getRedirectUri()).hasToString("http://localhost:0/");
				assertThat(config.getScopes()).containsExactly("openid", "profile", "offline_access");
			});
		ProviderApps
			.program(new RedirectingBrowser((request) -> ""), "auth.pkce.provider=microsoft",
					"auth.pkce.client-id=" + CLIENT_ID, "auth.pkce.tenant=contoso/evil")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid property auth.pkce.tenant 'contoso/evil': tenant 'contoso/evil' is "
						+ "not a tenant name"));
	}

	@Test
	void presetDefaultsToTheCommonTenant() {
		ClientConfig config = ProviderPresets.microsoft(CLIENT_ID, null).build();
		assertThat(config.getProvider()).isEqualTo(Provider.MICROSOFT);
		assertThat(config.getIssuerUri()).isEqualTo(URI.create("https://login.microsoftonline.com/common/v2.0"));
	}

}
