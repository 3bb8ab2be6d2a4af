package io.github.pkce.benchmarks;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver;

/**
 * A Spring {@link HttpRequest} that is never sent, carrying the client registration id
 * attribute that Spring Security's interceptor reads by default.
 *
 * @author pkce-spring-boot
 */
final class CannedRequest implements HttpRequest {

	private final URI uri;

	private final HttpHeaders headers = new HttpHeaders();

	private final Map<String, Object> attributes = new HashMap<>();

	CannedRequest(URI uri) {
		this.uri = uri;
		RequestAttributeClientRegistrationIdResolver.clientRegistrationId(Fixtures.REGISTRATION_ID)
			.accept(this.attributes);
	}

	@Override
	public HttpMethod getMethod() {
		return HttpMethod.GET;
	}

	@Override
	public URI getURI() {
		return this.uri;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

}
