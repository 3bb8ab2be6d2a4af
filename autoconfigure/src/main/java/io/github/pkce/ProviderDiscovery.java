package io.github.pkce;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads an authorization server's metadata from its discovery document: OpenID Connect
 * Discovery 1.0 ({@code /.well-known/openid-configuration} appended to the issuer) first,
 * then RFC 8414 ({@code /.well-known/oauth-authorization-server} inserted before the
 * issuer's path). The document's {@code issuer} must equal the configured issuer exactly
 * (OpenID Connect Discovery section 4.3, RFC 8414 section 3.3), or the document is
 * refused: it would let another server mint our tokens.
 *
 * @author pkce-spring-boot
 */
final class ProviderDiscovery {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private ProviderDiscovery() {
	}

	static ProviderMetadata discover(RestClient restClient, URI issuerUri) {
		return discover(restClient, issuerUri, null);
	}

	static ProviderMetadata discover(RestClient restClient, URI issuerUri, @Nullable Provider provider) {
		String issuer = issuerUri.toString();
		List<URI> locations = locations(issuerUri);
		for (int i = 0; i < locations.size(); i++) {
			URI location = locations.get(i);
			Map<String, Object> document;
			try {
				document = restClient.get()
					.uri(location)
					.accept(MediaType.APPLICATION_JSON)
					.retrieve()
					.body(JSON_OBJECT);
			}
			catch (HttpClientErrorException ex) {
				if (i < locations.size() - 1 && isNotFound(ex.getStatusCode())) {
					continue;
				}
				throw new PkceException(PkceErrorCodes.INVALID_METADATA,
						"The authorization server's discovery document at " + location + " could not be read (HTTP "
								+ ex.getStatusCode().value() + "). Check the configured issuer URI '" + issuer + "'.",
						ex);
			}
			catch (RestClientException ex) {
				if (isNotJson(ex)) {
					// an answer, but not a discovery document: a web application that
					// serves its page for every path, a wrong issuer path
					if (i < locations.size() - 1) {
						continue;
					}
					throw new PkceException(PkceErrorCodes.INVALID_METADATA,
							"The discovery document at " + location + " is not JSON (" + rootMessage(ex)
									+ "). Check the configured issuer URI '" + issuer + "'.",
							ex);
				}
				throw new PkceException(PkceErrorCodes.SERVER_UNAVAILABLE,
						"Could not reach the authorization server at " + location + " (" + rootMessage(ex)
								+ "). Check the network connection and the issuer URI, then try again.",
						ex);
			}
			if (document == null) {
				throw new PkceException(PkceErrorCodes.INVALID_METADATA,
						"The discovery document at " + location + " is empty.");
			}
			return toMetadata(document, issuer, location, provider);
		}
		throw new IllegalStateException("no discovery location");
	}

	static List<URI> locations(URI issuerUri) {
		String issuer = issuerUri.toString();
		String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		List<URI> locations = new ArrayList<>();
		locations.add(URI.create(trimmed + "/.well-known/openid-configuration"));
		String path = (issuerUri.getRawPath() != null) ? issuerUri.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		locations.add(UriComponentsBuilder.fromUri(issuerUri)
			.replacePath("/.well-known/oauth-authorization-server" + path)
			.build(true)
			.toUri());
		return locations;
	}

	static ProviderMetadata toMetadata(Map<String, Object> document, String issuer, URI location) {
		return toMetadata(document, issuer, location, null);
	}

	static ProviderMetadata toMetadata(Map<String, Object> document, String issuer, URI location,
			@Nullable Provider provider) {
		Object documentIssuer = document.get("issuer");
		// Microsoft's multi-tenant documents name a {tenantid} placeholder (see Issuers)
		if (!Issuers.isDocumentIssuer(provider, issuer, documentIssuer)) {
			throw new PkceException(PkceErrorCodes.INVALID_METADATA,
					"The discovery document at " + location + " names issuer '" + documentIssuer
							+ "', not the configured issuer '" + issuer
							+ "'. Set the issuer URI to exactly the server's issuer (including any trailing slash).");
		}
		URI authorization = Objects.requireNonNull(uri(document, "authorization_endpoint", location, true));
		URI token = Objects.requireNonNull(uri(document, "token_endpoint", location, true));
		return ProviderMetadata.withEndpoints(authorization, token)
			.issuer(String.valueOf(documentIssuer))
			.jwkSetUri(uri(document, "jwks_uri", location, false))
			.revocationEndpoint(uri(document, "revocation_endpoint", location, false))
			.deviceAuthorizationEndpoint(uri(document, "device_authorization_endpoint", location, false))
			.userInfoEndpoint(uri(document, "userinfo_endpoint", location, false))
			.authorizationResponseIssParameterSupported(
					Boolean.TRUE.equals(document.get("authorization_response_iss_parameter_supported")))
			.idTokenSigningAlgorithms(strings(document.get("id_token_signing_alg_values_supported")))
			.codeChallengeMethods(strings(document.get("code_challenge_methods_supported")))
			.dpopSigningAlgorithms(strings(document.get("dpop_signing_alg_values_supported")))
			.pushedAuthorizationRequestEndpoint(uri(document, "pushed_authorization_request_endpoint", location, false))
			.requirePushedAuthorizationRequests(
					Boolean.TRUE.equals(document.get("require_pushed_authorization_requests")))
			.build();
	}

	private static @Nullable URI uri(Map<String, Object> document, String name, URI location, boolean required) {
		Object value = document.get(name);
		if (value instanceof String text && !text.isBlank()) {
			try {
				URI uri = URI.create(text);
				if (uri.isAbsolute()) {
					return uri;
				}
			}
			catch (IllegalArgumentException ex) {
				// reported below
			}
			throw new PkceException(PkceErrorCodes.INVALID_METADATA,
					"The discovery document at " + location + " has an invalid " + name + " '" + text + "'.");
		}
		if (required) {
			throw new PkceException(PkceErrorCodes.INVALID_METADATA, "The discovery document at " + location
					+ " has no " + name + ", so this server cannot be used for a browser login.");
		}
		return null;
	}

	private static List<String> strings(@Nullable Object value) {
		if (value instanceof List<?> list) {
			return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
		}
		return List.of();
	}

	private static boolean isNotJson(RestClientException ex) {
		return ex instanceof org.springframework.web.client.UnknownContentTypeException
				|| ex.getCause() instanceof org.springframework.http.converter.HttpMessageNotReadableException;
	}

	private static boolean isNotFound(HttpStatusCode status) {
		return status.value() == 404;
	}

	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
