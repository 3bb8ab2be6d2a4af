package io.github.pkce.test;

import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Where and how a test class asks for an embedded server: the class that owns the server
 * (the nearest class, going outwards through {@code @Nested} classes, that carries
 * {@link EmbeddedAuthorizationServerTest}; the outermost class when none does) and the
 * settings read from that annotation.
 *
 * @param owner the class whose tests share one server
 * @param clientId the client id
 * @param username the user name
 * @param password the password
 * @param scopes the scopes the application requests
 * @param endpoint whether the server's origin becomes {@code auth.pkce.endpoint}
 * @param requireConsent whether the consent page is shown
 * @param pushedAuthorizationRequests whether the server offers pushed authorization
 * requests
 * @param requirePushedAuthorizationRequests whether the server requires them
 * @param dpop whether the server supports DPoP
 * @author pkce-spring-boot
 */
record EmbeddedServerDeclaration(Class<?> owner, String clientId, String username, String password, List<String> scopes,
		boolean endpoint, boolean requireConsent, boolean pushedAuthorizationRequests,
		boolean requirePushedAuthorizationRequests, boolean dpop) {

	EmbeddedServerDeclaration {
		scopes = List.copyOf(scopes);
	}

	/**
	 * Finds the declaration that applies to a test class.
	 * @param testClass the test class, possibly a {@code @Nested} one
	 * @return the declaration
	 */
	static EmbeddedServerDeclaration of(Class<?> testClass) {
		Class<?> candidate = testClass;
		Class<?> outermost = testClass;
		while (candidate != null) {
			EmbeddedAuthorizationServerTest annotation = AnnotatedElementUtils.findMergedAnnotation(candidate,
					EmbeddedAuthorizationServerTest.class);
			if (annotation != null) {
				return new EmbeddedServerDeclaration(candidate, annotation.clientId(), annotation.username(),
						annotation.password(), List.of(annotation.scopes()), annotation.endpoint(),
						annotation.requireConsent(), annotation.pushedAuthorizationRequests(),
						annotation.requirePushedAuthorizationRequests(), annotation.dpop());
			}
			outermost = candidate;
			candidate = enclosingTestClass(candidate);
		}
		return new EmbeddedServerDeclaration(outermost, EmbeddedAuthorizationServer.DEFAULT_CLIENT_ID,
				EmbeddedAuthorizationServer.DEFAULT_USERNAME, EmbeddedAuthorizationServer.DEFAULT_PASSWORD,
				List.of("openid", "profile", "offline_access"), true, false, false, false, true);
	}

	private static @Nullable Class<?> enclosingTestClass(Class<?> testClass) {
		// @Nested test classes are inner (non-static) classes
		return (testClass.isMemberClass() && !Modifier.isStatic(testClass.getModifiers()))
				? testClass.getEnclosingClass() : null;
	}

	/**
	 * Starts a server as declared.
	 * @return the running server
	 */
	EmbeddedAuthorizationServer start() {
		Set<String> scopes = new LinkedHashSet<>(EmbeddedAuthorizationServer.DEFAULT_SCOPES);
		scopes.addAll(this.scopes);
		return EmbeddedAuthorizationServer.builder()
			.clientId(this.clientId)
			.user(this.username, this.password)
			.scopes(scopes.toArray(String[]::new))
			.requireConsent(this.requireConsent)
			.pushedAuthorizationRequests(this.pushedAuthorizationRequests)
			.requirePushedAuthorizationRequests(this.requirePushedAuthorizationRequests)
			.dpop(this.dpop)
			.start();
	}

	/**
	 * Returns a browser that signs in as the declared user.
	 * @return a new browser
	 */
	ScriptedBrowser browser() {
		return ScriptedBrowser.signingInAs(this.username, this.password);
	}

	/**
	 * Returns the Spring properties that point an application at the server.
	 * @param server the running server
	 * @return the properties, in a stable order
	 */
	Map<String, Object> properties(EmbeddedAuthorizationServer server) {
		URI issuer = server.issuer();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("auth.pkce.issuer-uri", issuer.toString());
		properties.put("auth.pkce.client-id", server.clientId());
		properties.put("auth.pkce.scopes", String.join(",", this.scopes));
		if (this.endpoint) {
			properties.put("auth.pkce.endpoint", issuer.toString());
		}
		properties.put("auth.pkce.store.type", "memory");
		properties.put("auth.pkce.login.method", "browser");
		return properties;
	}

	@Override
	public String toString() {
		// the password stays out of test reports and logs
		return "EmbeddedServerDeclaration[owner=" + this.owner.getName() + ", clientId=" + this.clientId + ", username="
				+ this.username + ", scopes=" + this.scopes + ", endpoint=" + this.endpoint + ", requireConsent="
				+ this.requireConsent + ", pushedAuthorizationRequests=" + this.pushedAuthorizationRequests
				+ ", requirePushedAuthorizationRequests=" + this.requirePushedAuthorizationRequests + ", dpop="
				+ this.dpop + "]";
	}

}
