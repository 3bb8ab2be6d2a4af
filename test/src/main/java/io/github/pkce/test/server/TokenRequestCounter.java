package io.github.pkce.test.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Servlet filter that counts the requests reaching the token endpoint, so that a test can
 * assert that no code exchange or refresh happened.
 *
 * @author pkce-spring-boot
 */
public final class TokenRequestCounter implements Filter {

	private final AtomicInteger count = new AtomicInteger();

	/**
	 * Returns the number of requests that reached the token endpoint so far.
	 * @return the number of token requests
	 */
	public int count() {
		return this.count.get();
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.count.incrementAndGet();
		chain.doFilter(request, response);
	}

}
