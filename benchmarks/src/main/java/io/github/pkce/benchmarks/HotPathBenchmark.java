package io.github.pkce.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.google.api.client.auth.oauth2.Credential;
import com.google.api.client.http.HttpRequest;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.dpop.DpopKey;
import io.github.pkce.http.BearerTokenInterceptor;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;

/**
 * The cost per request of putting a valid access token on it, through each library's
 * request interceptor: no I/O (the execution behind the Spring interceptors returns a
 * canned response; the google request is never executed) and no refresh (the token
 * expires in an hour). The token endpoint is never called, so its address is a dummy.
 * Three reference benchmarks show the floor under the contenders: writing the header into
 * Spring's or google's headers, and {@code PkceAuthenticator.credentials()} alone. The
 * token is 43 characters long, like a 256-bit random token; a longer one (a JWT) adds the
 * same string copy to every contender.
 * <p>
 * One more benchmark sends the same request through our interceptor with credentials
 * bound to a DPoP key (RFC 9449), made once in the set-up: {@code Authorization: DPoP
 * <token>} plus a {@code DPoP} header with a new ES256 proof, so its time above our
 * bearer benchmark is the cost of the proof per request. The peers have no DPoP to
 * compare with.
 *
 * @author pkce-spring-boot
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HotPathBenchmark {

	private static final URI UNUSED_TOKEN_ENDPOINT = URI.create("http://127.0.0.1:9/token");

	private static final byte[] NO_BODY = new byte[0];

	private BearerTokenInterceptor pkce;

	private BearerTokenInterceptor pkceDpop;

	private OAuth2ClientHttpRequestInterceptor spring;

	private Credential google;

	private PkceAuthenticator authenticator;

	private String token;

	private CannedRequest springRequest;

	private CannedRequest dpopRequest;

	private HttpRequest googleRequest;

	/**
	 * Builds the three interceptors around a token valid for one more hour, and ours once
	 * more around the same token bound to a DPoP key, and sends one request through each
	 * so that every cache is filled.
	 * @throws Exception never: no I/O happens
	 */
	@Setup
	public void setUp() throws Exception {
		Instant expiresAt = Instant.now().plusSeconds(3600);
		this.authenticator = Fixtures.pkceAuthenticator(Fixtures.pkceClient(UNUSED_TOKEN_ENDPOINT),
				Fixtures.VALID_ACCESS_TOKEN, expiresAt);
		this.pkce = Fixtures.pkceInterceptor(this.authenticator);
		this.spring = Fixtures.springInterceptor(Fixtures.springRegistration(UNUSED_TOKEN_ENDPOINT),
				Fixtures.springProvider(), Fixtures.VALID_ACCESS_TOKEN, expiresAt);
		this.google = Fixtures.googleCredential(Fixtures.googleRequest().getTransport(), UNUSED_TOKEN_ENDPOINT,
				Fixtures.VALID_ACCESS_TOKEN, expiresAt);
		this.springRequest = new CannedRequest(Fixtures.API_REQUEST);
		// read from a field, so that the concatenation is not folded into a constant
		this.token = this.authenticator.credentials().accessToken();
		this.googleRequest = Fixtures.googleRequest();
		// the key is generated here, never on the measured path; the interceptor signs
		// with it as the credentials hold it
		DpopKey key = DpopKey.generate();
		this.pkceDpop = Fixtures.pkceInterceptor(Fixtures.pkceDpopAuthenticator(
				Fixtures.pkceClient(UNUSED_TOKEN_ENDPOINT), Fixtures.VALID_ACCESS_TOKEN, expiresAt, key));
		// a request of its own, so that its DPoP header does not ride along on the others
		this.dpopRequest = new CannedRequest(Fixtures.API_REQUEST);
		String expected = "Bearer " + Fixtures.VALID_ACCESS_TOKEN;
		// pkce() and springSecurity() share a request: each check starts without the
		// header, so that one contender cannot pass on the header of the other
		this.springRequest.getHeaders().remove(HttpHeaders.AUTHORIZATION);
		check(expected, pkce(), this.springRequest.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		this.springRequest.getHeaders().remove(HttpHeaders.AUTHORIZATION);
		check(expected, springSecurity(), this.springRequest.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		this.googleRequest.getHeaders().setAuthorization((String) null);
		check(expected, googleOAuthClient(), this.googleRequest.getHeaders().getAuthorization());
		check("DPoP " + Fixtures.VALID_ACCESS_TOKEN, pkceDpop(),
				this.dpopRequest.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		checkProof(this.dpopRequest.getHeaders().getFirst("DPoP"), key);
	}

	/**
	 * Checks that the proof on the DPoP request verifies with the key and is for this
	 * request, so that the benchmark measures a real proof.
	 */
	private static void checkProof(@Nullable String proof, DpopKey key) throws Exception {
		if (proof == null) {
			throw new IllegalStateException("The interceptor did not set the DPoP header");
		}
		SignedJWT jwt = SignedJWT.parse(proof);
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		if (!jwt.verify(new ECDSAVerifier(ECKey.parse(key.toJwk()).toPublicJWK()))
				|| !"GET".equals(claims.getStringClaim("htm"))
				|| !"https://api.example.com/v1/projects".equals(claims.getStringClaim("htu"))
				|| claims.getStringClaim("ath") == null) {
			throw new IllegalStateException("The DPoP proof does not verify or is not for this request");
		}
	}

	private static void check(String expected, Object result, String header) {
		if (result == null || !expected.equals(header)) {
			throw new IllegalStateException("The interceptor did not set the expected Authorization header");
		}
	}

	/**
	 * pkce-spring-boot's {@link BearerTokenInterceptor}: origin check, then
	 * {@code PkceAuthenticator.credentials()}.
	 * @return the canned response
	 * @throws IOException never
	 */
	@Benchmark
	public ClientHttpResponse pkce() throws IOException {
		return this.pkce.intercept(this.springRequest, NO_BODY, CannedResponse.EXECUTION);
	}

	/**
	 * pkce-spring-boot's {@link BearerTokenInterceptor} with credentials bound to a DPoP
	 * key: as {@link #pkce()}, plus a new ES256-signed proof in the {@code DPoP} header.
	 * @return the canned response
	 * @throws IOException never
	 */
	@Benchmark
	public ClientHttpResponse pkceDpop() throws IOException {
		return this.pkceDpop.intercept(this.dpopRequest, NO_BODY, CannedResponse.EXECUTION);
	}

	/**
	 * Spring Security's {@link OAuth2ClientHttpRequestInterceptor} with an
	 * {@code AuthorizedClientServiceOAuth2AuthorizedClientManager}.
	 * @return the canned response
	 * @throws IOException never
	 */
	@Benchmark
	public ClientHttpResponse springSecurity() throws IOException {
		return this.spring.intercept(this.springRequest, NO_BODY, CannedResponse.EXECUTION);
	}

	/**
	 * google-oauth-client's {@link Credential} as the request's execute interceptor.
	 * @return the request, now carrying the header
	 * @throws IOException never
	 */
	@Benchmark
	public HttpRequest googleOAuthClient() throws IOException {
		this.google.intercept(this.googleRequest);
		return this.googleRequest;
	}

	/**
	 * Reference: what any {@link ClientHttpRequestInterceptor} must do at least, writing
	 * {@code Bearer <token>} into Spring's {@code HttpHeaders} (our interceptor and
	 * Spring Security's both do).
	 * @return the canned response
	 * @throws IOException never
	 */
	@Benchmark
	public ClientHttpResponse springHeaderWrite() throws IOException {
		this.springRequest.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + this.token);
		return CannedResponse.EXECUTION.execute(this.springRequest, NO_BODY);
	}

	/**
	 * Reference: writing {@code Bearer <token>} into google-http-client's headers, which
	 * {@code Credential} does.
	 * @return the request, now carrying the header
	 */
	@Benchmark
	public HttpRequest googleHeaderWrite() {
		this.googleRequest.getHeaders().setAuthorization("Bearer " + this.token);
		return this.googleRequest;
	}

	/**
	 * Reference: {@link PkceAuthenticator#credentials()} alone, with a valid token.
	 * @return the credentials
	 */
	@Benchmark
	public Credentials pkceCredentials() {
		return this.authenticator.credentials();
	}

}
