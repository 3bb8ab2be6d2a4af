package io.github.pkce.shell;

import io.github.pkce.store.CredentialStore;
import io.github.pkce.store.CredentialStores;

import io.github.pkce.LogoutResult;

import java.io.PrintWriter;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.github.pkce.ClientConfigStore;
import io.github.pkce.Credentials;
import io.github.pkce.PkceAuthenticator;
import io.github.pkce.PkceAuthenticators;
import io.github.pkce.PkceException;
import org.jspecify.annotations.Nullable;

import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.annotation.Command;
import org.springframework.shell.core.command.annotation.Option;
import org.springframework.util.StringUtils;

/**
 * The {@code auth login}, {@code auth logout}, {@code auth status} and {@code auth token}
 * commands. Each takes {@code --registration NAME} to act on a named registration instead
 * of the default one. Output goes to the command's output writer (standard output when
 * the shell is not interactive); the sign-in URL and errors go to standard error, so
 * {@code auth token} can be piped.
 * <p>
 * A failing command ends with a non-zero exit status through {@link AuthCommandFailures}.
 *
 * @author pkce-spring-boot
 */
public final class AuthCommands {

	static final String GROUP = "Authentication";

	static final String FAILURES = "pkceAuthCommandFailures";

	private final PkceAuthenticators authenticators;

	private final Map<String, URI> endpoints;

	private final @Nullable CredentialStore store;

	private final Clock clock;

	AuthCommands(PkceAuthenticators authenticators, Map<String, URI> endpoints, @Nullable CredentialStore store,
			Clock clock) {
		this.authenticators = authenticators;
		this.endpoints = Map.copyOf(endpoints);
		this.store = store;
		this.clock = clock;
	}

	/**
	 * Signs the user in with the browser, replacing any stored credentials.
	 * @param registration the registration name
	 * @param context the command context
	 */
	@Command(name = { "auth", "login" }, group = GROUP, exitStatusExceptionMapper = FAILURES,
			description = "Sign in with the browser and store the tokens")
	public void login(@Option(longName = "registration", shortName = 'r', defaultValue = "default",
			description = "Registration to sign in to") String registration, CommandContext context) {
		PkceAuthenticator authenticator = this.authenticators.get(name(registration));
		Credentials credentials = authenticator.login();
		PrintWriter out = context.outputWriter();
		// the sign-in itself succeeded; who it was is a courtesy
		Identity identity = whoSignedIn(authenticator, credentials).identity();
		out.println("Signed in" + ((identity != null) ? " as " + identity.name() : "") + "."
				+ ((credentials.expiresAt() != null)
						? " The access token is valid until " + describeInstant(credentials.expiresAt()) + "." : ""));
		out.flush();
	}

	/**
	 * Signs the user out: revokes the refresh token when the server can (RFC 7009), then
	 * deletes the stored credentials.
	 * @param registration the registration name
	 * @param context the command context
	 */
	@Command(name = { "auth", "logout" }, group = GROUP, exitStatusExceptionMapper = FAILURES,
			description = "Sign out and delete the stored tokens")
	public void logout(@Option(longName = "registration", shortName = 'r', defaultValue = "default",
			description = "Registration to sign out of") String registration, CommandContext context) {
		PkceAuthenticator authenticator = this.authenticators.get(name(registration));
		LogoutResult result = authenticator.logout();
		PrintWriter out = context.outputWriter();
		out.println(result.message());
		out.flush();
	}

	/**
	 * Shows whether the user is signed in, as whom and until when. No network call is
	 * made, except for a provider that gives no ID token but has a userinfo endpoint
	 * (GitHub): the user is then read from it with the stored access token.
	 * @param registration the registration name
	 * @param context the command context
	 */
	@Command(name = { "auth", "status" }, group = GROUP, exitStatusExceptionMapper = FAILURES,
			description = "Show who is signed in, until when, and where the tokens are kept")
	public void status(@Option(longName = "registration", shortName = 'r', defaultValue = "default",
			description = "Registration to show") String registration, CommandContext context) {
		String name = name(registration);
		PkceAuthenticator authenticator = this.authenticators.get(name);
		Credentials credentials = authenticator.currentCredentials();
		List<String> lines = new ArrayList<>();
		lines.add("Registration: " + name);
		if (credentials == null) {
			lines.add("Not signed in. Run 'auth login" + option(name) + "' to sign in.");
		}
		else {
			lines.add(whoSignedIn(authenticator, credentials).describe());
			lines.add("Access token: " + describeExpiry(credentials, name));
			lines.add("Refresh token: " + (credentials.isRefreshable() ? "present" : "none"));
			lines.add("Token binding: " + describeBinding(credentials));
			if (!credentials.scopes().isEmpty()) {
				lines.add("Scopes: " + String.join(" ", new TreeSet<>(credentials.scopes())));
			}
		}
		URI endpoint = this.endpoints.get(name);
		lines.add("Endpoint: " + ((endpoint != null) ? endpoint : "none configured"));
		lines.add("Store: " + ((this.store != null) ? CredentialStores.describe(this.store) + ", " : "") + "key "
				+ authenticator.getStoreKey());
		PrintWriter out = context.outputWriter();
		lines.forEach(out::println);
		out.flush();
	}

	/**
	 * Prints the access token alone, refreshing it first when it has expired (and signing
	 * in when allowed), for use in scripts such as
	 * {@code curl -H "Authorization: Bearer $(mycli auth token)"}. A DPoP-bound token is
	 * printed too, with a note on standard error that it needs a proof.
	 * @param registration the registration name
	 * @param context the command context
	 */
	@Command(name = { "auth", "token" }, group = GROUP, exitStatusExceptionMapper = FAILURES,
			description = "Print a valid access token, refreshing it first if needed")
	public void token(@Option(longName = "registration", shortName = 'r', defaultValue = "default",
			description = "Registration whose token to print") String registration, CommandContext context) {
		Credentials credentials = this.authenticators.get(name(registration)).credentials();
		PrintWriter out = context.outputWriter();
		out.println(credentials.accessToken());
		out.flush();
		if (credentials.isDpopBound()) {
			// on standard error, so that a script still reads the token alone
			System.err.println("Note: this access token is bound to this program's DPoP key (RFC 9449): a "
					+ "request must send it as 'Authorization: DPoP <token>' with a DPoP proof signed by that key, so "
					+ "it does not work with curl. Set dpop to never for bearer tokens.");
		}
	}

	/**
	 * Reads who signed in from the ID token, else from the userinfo endpoint (GitHub
	 * gives no ID token).
	 */
	private static SignedIn whoSignedIn(PkceAuthenticator authenticator, Credentials credentials) {
		Identity identity = Identity.of(credentials.idToken());
		if (identity != null) {
			return new SignedIn(identity, null);
		}
		Map<String, Object> userInfo;
		try {
			userInfo = authenticator.userInfo();
		}
		catch (PkceException ex) {
			return new SignedIn(null, "who could not be read: " + ex.getMessage());
		}
		if (userInfo == null) {
			return new SignedIn(null, "no ID token: request the openid scope to see who");
		}
		Identity user = Identity.of(userInfo);
		return new SignedIn(user, (user != null) ? null : "the userinfo endpoint did not say who");
	}

	/**
	 * Returns the registration a command acts on: the one named, trimmed, else the
	 * default one.
	 */
	private static String name(@Nullable String registration) {
		return StringUtils.hasText(registration) ? registration.trim() : ClientConfigStore.DEFAULT_REGISTRATION;
	}

	/**
	 * Says whether the tokens are bound to this program's key (RFC 9449) or work for
	 * whoever holds them.
	 */
	static String describeBinding(Credentials credentials) {
		if (credentials.isDpopBound()) {
			return "DPoP (bound to this program's key " + credentials.dpopKey().thumbprint()
					+ "; a copied token is useless without it)";
		}
		if (credentials.dpopKey() != null) {
			return "Bearer (the server did not bind the access token to the DPoP key; anyone who holds it can use it)";
		}
		return "Bearer (anyone who holds the access token can use it until it expires)";
	}

	private String describeExpiry(Credentials credentials, String registration) {
		Instant expiresAt = credentials.expiresAt();
		if (expiresAt == null) {
			return "present, with no expiry given by the server";
		}
		if (expiresAt.isAfter(this.clock.instant())) {
			return "valid until " + describeInstant(expiresAt);
		}
		return "expired at " + describeInstant(expiresAt) + "; " + (credentials.isRefreshable()
				? "it is refreshed at the next use" : "run 'auth login" + option(registration) + "' to sign in again");
	}

	private String describeInstant(Instant instant) {
		Instant now = this.clock.instant();
		Duration distance = Duration.between(now, instant).abs();
		String relative = humanize(distance);
		return instant.truncatedTo(ChronoUnit.SECONDS) + " ("
				+ (instant.isAfter(now) ? "in " + relative : relative + " ago") + ")";
	}

	static String humanize(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds < 60) {
			return plural(seconds, "second");
		}
		if (seconds < 3600) {
			return plural(duration.toMinutes(), "minute");
		}
		if (seconds < 86400) {
			return plural(duration.toHours(), "hour");
		}
		return plural(duration.toDays(), "day");
	}

	private static String plural(long count, String unit) {
		return count + " " + unit + ((count == 1) ? "" : "s");
	}

	private static String option(String registration) {
		return ClientConfigStore.DEFAULT_REGISTRATION.equals(registration) ? "" : " --registration " + registration;
	}

	/**
	 * Who the ID token is about, read without validation: it was validated when it was
	 * received.
	 */
	record Identity(String subject, @Nullable String username, @Nullable String email) {

		static @Nullable Identity of(@Nullable String idToken) {
			if (idToken == null) {
				return null;
			}
			try {
				JWTClaimsSet claims = JWTParser.parse(idToken).getJWTClaimsSet();
				if (claims.getSubject() == null) {
					return null;
				}
				return new Identity(claims.getSubject(), claims.getStringClaim("preferred_username"),
						claims.getStringClaim("email"));
			}
			catch (ParseException ex) {
				return null;
			}
		}

		/**
		 * Reads who the user is from a userinfo response: OpenID Connect claims
		 * ({@code sub}, {@code preferred_username}, {@code email}) or GitHub's fields
		 * ({@code id}, {@code login}, {@code email}).
		 */
		static @Nullable Identity of(Map<String, Object> userInfo) {
			Object subject = (userInfo.get("sub") != null) ? userInfo.get("sub") : userInfo.get("id");
			if (subject == null) {
				return null;
			}
			Object username = (userInfo.get("preferred_username") != null) ? userInfo.get("preferred_username")
					: userInfo.get("login");
			Object email = userInfo.get("email");
			return new Identity(String.valueOf(subject), (username != null) ? String.valueOf(username) : null,
					(email != null) ? String.valueOf(email) : null);
		}

		String name() {
			return (this.username != null) ? this.username : (this.email != null) ? this.email : this.subject;
		}

		String describe() {
			List<String> details = new ArrayList<>();
			if (this.email != null && !Objects.equals(this.email, name())) {
				details.add(this.email);
			}
			if (!this.subject.equals(name())) {
				details.add("subject " + this.subject);
			}
			return name() + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")");
		}

	}

	/**
	 * Who signed in, or why that is unknown.
	 */
	record SignedIn(@Nullable Identity identity, @Nullable String unknownBecause) {

		String describe() {
			return (this.identity != null) ? "Signed in as " + this.identity.describe()
					: "Signed in (" + this.unknownBecause + ")";
		}

	}

}
