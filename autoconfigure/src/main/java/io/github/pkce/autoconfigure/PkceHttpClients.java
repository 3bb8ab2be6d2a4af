package io.github.pkce.autoconfigure;

import java.net.ProxySelector;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.github.pkce.http.BearerTokenInterceptor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Builds the {@link RestClient} for the calls to the authorization server (discovery,
 * token, JWK set) from the application's {@link RestClient.Builder}, on a JDK
 * {@link HttpClient} that uses the JVM's proxy settings
 * ({@link ProxySelector#getDefault()}), the configured timeouts, and the SSL bundle.
 *
 * @author pkce-spring-boot
 */
final class PkceHttpClients {

	private static final Log logger = LogFactory.getLog(PkceHttpClients.class);

	private PkceHttpClients() {
	}

	static RestClient create(RestClient.Builder builder, PkceProperties.Http http, @Nullable SslBundles sslBundles) {
		HttpClient.Builder client = HttpClient.newBuilder()
			.connectTimeout(http.getConnectTimeout())
			.followRedirects(HttpClient.Redirect.NORMAL);
		ProxySelector proxy = ProxySelector.getDefault();
		if (proxy != null) {
			client.proxy(proxy);
		}
		if (http.isInsecureSkipTlsVerify()) {
			logger.warn("""

					**********************************************************************
					auth.pkce.http.insecure-skip-tls-verify=true: the authorization
					server's TLS certificate and host name are NOT checked. Anyone on the
					network path can read and steal the tokens. Use this for development
					only, never in production.
					**********************************************************************""");
			client.sslContext(trustingEverything());
		}
		else if (StringUtils.hasText(http.getSslBundle())) {
			SslBundle bundle = sslBundle(http.getSslBundle(), sslBundles);
			client.sslContext(bundle.createSslContext());
			SslOptions options = bundle.getOptions();
			if (options.getCiphers() != null || options.getEnabledProtocols() != null) {
				SSLParameters parameters = new SSLParameters();
				parameters.setCipherSuites(options.getCiphers());
				parameters.setProtocols(options.getEnabledProtocols());
				client.sslParameters(parameters);
			}
		}
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(client.build());
		requestFactory.setReadTimeout(http.getReadTimeout());
		return builder.requestFactory(requestFactory)
			// requests to the authorization server never carry the access token: an
			// interceptor that fetches one would also recurse into the token request
			.requestInterceptors((interceptors) -> interceptors
				.removeIf((interceptor) -> interceptor instanceof BearerTokenInterceptor
						|| interceptor instanceof DeferredBearerTokenInterceptor))
			.build();
	}

	private static SslBundle sslBundle(String name, @Nullable SslBundles sslBundles) {
		String property = PkcePropertiesMapper.PREFIX + ".http.ssl-bundle";
		if (sslBundles == null) {
			throw new InvalidPkcePropertyException(property, name, "no SSL bundles are configured",
					"Define the bundle under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
							+ ", or remove " + property + ".");
		}
		try {
			return sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			String known = sslBundles.getBundleNames().isEmpty() ? "none is defined"
					: "defined: " + String.join(", ", sslBundles.getBundleNames());
			throw new InvalidPkcePropertyException(property, name,
					"there is no SSL bundle with that name (" + known + ")",
					"Define the bundle under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
							+ ", or set " + property + " to the name of a defined bundle.",
					ex);
		}
	}

	private static SSLContext trustingEverything() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new TrustingEverything() }, new SecureRandom());
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create an SSL context", ex);
		}
	}

	/**
	 * Accepts every certificate for every host. An {@link X509ExtendedTrustManager}
	 * because the JDK checks host names inside such a trust manager: a plain one would be
	 * wrapped and the host name still checked.
	 */
	private static final class TrustingEverything extends X509ExtendedTrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
