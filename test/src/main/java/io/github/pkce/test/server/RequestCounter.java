package io.github.pkce.test.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Servlet filter that counts the requests reaching one endpoint, and remembers whether
 * the last one carried a DPoP proof (RFC 9449 section 4.1), so that a test can assert
 * that no code exchange or refresh happened, or that the client proved possession of its
 * key. It sees each request as the client sent it, before the server ignores a proof.
 *
 * @author pkce-spring-boot
 */
public final class RequestCounter implements Filter {

	private static final String DPOP_HEADER = OAuth2AccessToken.TokenType.DPOP.getValue();

	private final AtomicInteger count = new AtomicInteger();

	private volatile boolean lastRequestHadDpopProof;

	/**
	 * Returns the number of requests that reached the endpoint so far.
	 * @return the number of requests
	 */
	public int count() {
		return this.count.get();
	}

	/**
	 * Returns whether the most recent request carried a {@code DPoP} header.
	 * @return {@code true} if it did, {@code false} if not or before the first request
	 */
	public boolean lastRequestHadDpopProof() {
		return this.lastRequestHadDpopProof;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.lastRequestHadDpopProof = request instanceof HttpServletRequest http
				&& http.getHeader(DPOP_HEADER) != null;
		this.count.incrementAndGet();
		chain.doFilter(request, response);
	}

}
