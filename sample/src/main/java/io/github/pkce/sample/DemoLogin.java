package io.github.pkce.sample;

import java.io.PrintStream;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;

import com.nimbusds.jwt.JWTParser;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.ClientConfig;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceException;
import io.github.pkce.browser.BrowserLauncher;
import io.github.pkce.browser.SystemBrowserLauncher;
import io.github.pkce.test.EmbeddedAuthorizationServer;
import io.github.pkce.test.ScriptedBrowser;

/**
 * Signs in against an embedded demo identity provider with the real browser flow:
 * authorization request with PKCE, loopback callback, code exchange, ID token validation,
 * then a refresh and a sign-out.
 * <p>
 * Run {@code java -jar pkce-spring-boot-sample.jar demo --auto-sign-in} on a machine
 * without a browser: the test kit's scripted browser then signs in as the demo user.
 * Without {@code --auto-sign-in} the system browser opens; sign in as {@code alice} /
 * {@code password}.
 *
 * @author pkce-spring-boot
 */
public final class DemoLogin {

	/** The fixed loopback port of the demo identity provider. */
	public static final int DEMO_PORT = 9000;

	private final PrintStream out;

	private final PrintStream err;

	/**
	 * Creates the demo.
	 * @param out where results go
	 * @param err where instructions and errors go
	 */
	public DemoLogin(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/**
	 * Runs the demo.
	 * @param args {@code demo} then options: {@code --auto-sign-in}, {@code --port=N}
	 */
	public static void main(String[] args) {
		// the embedded server's Tomcat logs through java.util.logging: keep the demo's
		// output to the point
		java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
		int status = new DemoLogin(System.out, System.err).run(Arrays.asList(args));
		System.exit(status);
	}

	/**
	 * Runs the demo and returns the exit status.
	 * @param args the options
	 * @return 0 on success, 1 on a failed login
	 */
	public int run(List<String> args) {
		boolean autoSignIn = args.contains("--auto-sign-in");
		int port = args.stream()
			.filter((arg) -> arg.startsWith("--port="))
			.map((arg) -> Integer.parseInt(arg.substring("--port=".length())))
			.findFirst()
			.orElse(DEMO_PORT);
		this.err.println("Starting the demo identity provider on http://127.0.0.1:" + port + " ...");
		try (EmbeddedAuthorizationServer server = EmbeddedAuthorizationServer.builder().port(port).start()) {
			BrowserLauncher browser = autoSignIn ? ScriptedBrowser
				.signingInAs(EmbeddedAuthorizationServer.DEFAULT_USERNAME, EmbeddedAuthorizationServer.DEFAULT_PASSWORD)
					: new SystemBrowserLauncher();
			if (!autoSignIn) {
				this.err.println("Sign in as '" + EmbeddedAuthorizationServer.DEFAULT_USERNAME + "' with password '"
						+ EmbeddedAuthorizationServer.DEFAULT_PASSWORD + "'.");
			}
			ClientConfig config = ClientConfig.withClientId(server.clientId())
				.issuerUri(server.issuer())
				.scopes("openid", "profile", "offline_access")
				.build();
			AuthorizationClient client = AuthorizationClient.withConfig(config)
				.browserLauncher(browser)
				.prompt(this.err::println)
				.build();
			PkceAuthenticator authenticator = PkceAuthenticator.withClient(client).build();
			Credentials credentials = authenticator.login();
			this.out.println("Signed in as " + subject(credentials) + "; access token valid until "
					+ credentials.expiresAt() + ", scopes " + credentials.scopes());
			Credentials refreshed = authenticator.refreshCredentials();
			this.out.println("Refreshed; new access token valid until " + refreshed.expiresAt()
					+ (refreshed.accessToken().equals(credentials.accessToken()) ? " (same token)" : " (new token)"));
			this.out.println(authenticator.logout().message());
			return 0;
		}
		catch (PkceException ex) {
			this.err.println("Login failed (" + ex.getErrorCode() + "): " + ex.getMessage());
			return 1;
		}
		catch (IllegalStateException ex) {
			this.err.println("The demo identity provider could not start on port " + port + " (" + ex.getMessage()
					+ "). Free the port, or choose another with --port=N (0 picks a free one).");
			return 2;
		}
	}

	private static String subject(Credentials credentials) {
		String idToken = credentials.idToken();
		if (idToken == null) {
			return "(no ID token)";
		}
		try {
			return String.valueOf(JWTParser.parse(idToken).getJWTClaimsSet().getSubject());
		}
		catch (ParseException ex) {
			return "(unreadable ID token)";
		}
	}

}
