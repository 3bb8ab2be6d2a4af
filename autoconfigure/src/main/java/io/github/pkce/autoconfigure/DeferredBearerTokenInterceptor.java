package io.github.pkce.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import io.github.pkce.PkceAuthenticator;
import io.github.pkce.http.BearerTokenInterceptor;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.function.SingletonSupplier;

/**
 * A {@link BearerTokenInterceptor} whose {@link PkceAuthenticator} is looked up at the
 * first request. The authenticator's own {@code RestClient} comes from the
 * {@code RestClient.Builder} that this interceptor is added to, so looking it up earlier
 * would be a cycle.
 *
 * @author pkce-spring-boot
 */
final class DeferredBearerTokenInterceptor implements ClientHttpRequestInterceptor {

	private final Supplier<BearerTokenInterceptor> delegate;

	DeferredBearerTokenInterceptor(Supplier<PkceAuthenticator> authenticator, String headerName, List<URI> origins) {
		this.delegate = SingletonSupplier
			.of(() -> new BearerTokenInterceptor(authenticator.get(), headerName, origins));
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		return this.delegate.get().intercept(request, body, execution);
	}

}
