package io.github.pkce.test.server;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hides the {@code DPoP} header from the token endpoint, so that the server answers as
 * one without DPoP support does (RFC 9449 section 5): it ignores the proof and issues a
 * Bearer token. Spring Authorization Server has no switch to turn DPoP off.
 *
 * @author pkce-spring-boot
 */
final class DPoPProofIgnoringFilter extends OncePerRequestFilter {

	private static final String DPOP_HEADER = OAuth2AccessToken.TokenType.DPOP.getValue();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter((request.getHeader(DPOP_HEADER) != null) ? new WithoutDPoPHeader(request) : request, response);
	}

	private static final class WithoutDPoPHeader extends HttpServletRequestWrapper {

		WithoutDPoPHeader(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable String getHeader(String name) {
			return DPOP_HEADER.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return DPOP_HEADER.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((name) -> !DPOP_HEADER.equalsIgnoreCase(name))
				.toList());
		}

	}

}
