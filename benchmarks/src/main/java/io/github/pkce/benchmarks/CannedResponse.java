package io.github.pkce.benchmarks;

import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@code 200 OK} response with no body, and an execution that returns it without any
 * I/O, so that a benchmark measures only the interceptor in front of it.
 *
 * @author pkce-spring-boot
 */
final class CannedResponse implements ClientHttpResponse {

	static final CannedResponse OK = new CannedResponse();

	static final ClientHttpRequestExecution EXECUTION = (request, body) -> OK;

	private final HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders());

	private CannedResponse() {
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatus.OK;
	}

	@Override
	public String getStatusText() {
		return "OK";
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public InputStream getBody() {
		return InputStream.nullInputStream();
	}

	@Override
	public void close() {
	}

}
