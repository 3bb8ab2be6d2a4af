package io.github.pkce.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Runs a test class against an {@link EmbeddedAuthorizationServer} with a
 * {@link ScriptedBrowser} that signs in as its user: the server starts once before the
 * class's first test and stops after its last.
 * <p>
 * In a Spring test ({@code @SpringBootTest}), the application under test is pointed at
 * the server: {@code auth.pkce.issuer-uri}, {@code auth.pkce.client-id},
 * {@code auth.pkce.scopes}, {@code auth.pkce.endpoint} (the server's origin, so that
 * requests to its {@code /api/me} carry the token), {@code auth.pkce.store.type=memory}
 * (a test never touches the real keyring) and {@code auth.pkce.login.method=browser} are
 * set with a precedence above the application's configuration files and below the test's
 * own properties ({@code @SpringBootTest(properties = ...)}, {@code @TestPropertySource},
 * {@code @DynamicPropertySource}), which can override any of them. The scripted browser
 * becomes the primary {@link io.github.pkce.browser.BrowserLauncher} bean, so
 * {@code auth login} or {@code PkceAuthenticator.login()} signs in without a human; the
 * server and the browser are beans too, for assertions. Each test class gets its own
 * application context, closed after the class (the annotation is meta-annotated with
 * {@link DirtiesContext @DirtiesContext}), since its server stops then.
 *
 * <pre class="code">
 * &#64;SpringBootTest(webEnvironment = WebEnvironment.NONE,
 *         properties = "spring.shell.interactive.enabled=false")
 * &#64;ShellTest
 * &#64;EmbeddedAuthorizationServerTest
 * class LoginTests {
 *
 *     &#64;Test
 *     void signsIn(&#64;Autowired ShellTestClient shell) throws Exception {
 *         assertThat(shell.sendCommand("auth login").lines()).first().asString().startsWith("Signed in as alice.");
 *     }
 *
 * }
 * </pre>
 *
 * Without Spring, test and lifecycle methods take the server and the browser as
 * parameters:
 *
 * <pre class="code">
 * &#64;EmbeddedAuthorizationServerTest
 * class PlainLoginTests {
 *
 *     &#64;Test
 *     void signsIn(EmbeddedAuthorizationServer server, ScriptedBrowser browser) {
 *         ClientConfig config = ClientConfig.withClientId(server.clientId()).issuerUri(server.issuer()).build();
 *         Credentials credentials = AuthorizationClient.withConfig(config).browserLauncher(browser).build().login();
 *     }
 *
 * }
 * </pre>
 *
 * A {@code @Nested} class shares the server of its enclosing class unless it carries this
 * annotation itself. Needs JUnit Jupiter; the Spring part needs spring-test.
 *
 * @author pkce-spring-boot
 * @see EmbeddedAuthorizationServerExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedAuthorizationServerExtension.class)
@ContextCustomizerFactories(EmbeddedAuthorizationServerContextCustomizerFactory.class)
@DirtiesContext
public @interface EmbeddedAuthorizationServerTest {

	/**
	 * The client id of the server's public client, and {@code auth.pkce.client-id}.
	 * @return the client id
	 */
	String clientId() default EmbeddedAuthorizationServer.DEFAULT_CLIENT_ID;

	/**
	 * The user who may sign in, and as whom the scripted browser signs in.
	 * @return the user name, also the {@code sub} of the tokens
	 */
	String username() default EmbeddedAuthorizationServer.DEFAULT_USERNAME;

	/**
	 * The password of {@link #username()}.
	 * @return the password
	 */
	String password() default EmbeddedAuthorizationServer.DEFAULT_PASSWORD;

	/**
	 * The scopes the application requests, {@code auth.pkce.scopes}; the server allows
	 * them besides its {@linkplain EmbeddedAuthorizationServer#DEFAULT_SCOPES own}.
	 * @return the scopes
	 */
	String[] scopes() default { "openid", "profile", "offline_access" };

	/**
	 * Whether the server's origin becomes {@code auth.pkce.endpoint}, so that the
	 * auto-configured {@code RestClient} sends the access token to the server's
	 * {@code /api/me}. Turn it off when the application's own endpoint property should
	 * stay.
	 * @return {@code true} (the default) to set the endpoint
	 */
	boolean endpoint() default true;

	/**
	 * Whether the user must approve the scopes on a consent page, which the scripted
	 * browser then answers.
	 * @return {@code false} by default
	 */
	boolean requireConsent() default false;

	/**
	 * Whether the server offers pushed authorization requests (RFC 9126).
	 * @return {@code false} by default
	 * @see EmbeddedAuthorizationServer.Builder#pushedAuthorizationRequests(boolean)
	 */
	boolean pushedAuthorizationRequests() default false;

	/**
	 * Whether the server refuses authorization requests that were not pushed (RFC 9126
	 * section 5); implies {@link #pushedAuthorizationRequests()}.
	 * @return {@code false} by default
	 * @see EmbeddedAuthorizationServer.Builder#requirePushedAuthorizationRequests(boolean)
	 */
	boolean requirePushedAuthorizationRequests() default false;

	/**
	 * Whether the server supports DPoP (RFC 9449), binding access tokens to the key of a
	 * proof sent with the token request.
	 * @return {@code true} by default
	 * @see EmbeddedAuthorizationServer.Builder#dpop(boolean)
	 */
	boolean dpop() default true;

}
