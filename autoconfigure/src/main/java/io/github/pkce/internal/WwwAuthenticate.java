package io.github.pkce.internal;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The challenges of a response's {@code WWW-Authenticate} header lines (RFC 9110 section
 * 11.6.1), each with the scheme it belongs to and its {@code error} parameter (RFC 6750
 * section 3, RFC 9449 section 7.1), quoted or not. Not an API.
 * <p>
 * A line may hold several challenges, such as
 * {@code Bearer realm="api", DPoP algs="ES256", error=invalid_token}: a parameter is only
 * ever read as part of the challenge it follows. nimbus' {@code BearerTokenError} and
 * {@code DPoPTokenError} parsers are not used for this: they look for {@code error=}
 * anywhere in the value, so they give one challenge's error to another scheme, also find
 * it inside a quoted {@code error_description}, and fail when the value does not start
 * with their scheme. Tolerant: what does not follow the grammar is skipped up to the next
 * comma.
 *
 * @author pkce-spring-boot
 */
public final class WwwAuthenticate {

	private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

	private static final String TOKEN68_CHARS = "-._~+/";

	private final List<Challenge> challenges;

	private WwwAuthenticate(List<Challenge> challenges) {
		this.challenges = challenges;
	}

	/**
	 * Reads the challenges of a response's {@code WWW-Authenticate} header lines.
	 * @param lines the values of the header, none when the response has none
	 * @return the challenges
	 */
	public static WwwAuthenticate parse(List<String> lines) {
		Assert.notNull(lines, "lines cannot be null");
		// several lines are one list, as if joined with commas (RFC 9110 section 5.3)
		return new WwwAuthenticate(parse(String.join(", ", lines)));
	}

	/**
	 * Returns whether a challenge offers an authentication scheme.
	 * @param scheme the scheme, such as {@code DPoP}; compared ignoring case
	 * @return whether a challenge is for that scheme
	 */
	public boolean offers(String scheme) {
		for (Challenge challenge : this.challenges) {
			if (challenge.scheme().equalsIgnoreCase(scheme)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns whether a challenge for a scheme carries an error code.
	 * @param scheme the scheme, such as {@code Bearer}; compared ignoring case
	 * @param error the error code, such as {@code invalid_token}; compared exactly, as
	 * error codes are case-sensitive
	 * @return whether a challenge for that scheme has that {@code error} parameter
	 */
	public boolean hasError(String scheme, String error) {
		for (Challenge challenge : this.challenges) {
			if (challenge.scheme().equalsIgnoreCase(scheme) && error.equals(challenge.error())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads {@code #challenge}, where
	 * {@code challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]} and
	 * {@code auth-param = token BWS "=" BWS ( token / quoted-string )}. A token followed
	 * by {@code =} and a value is a parameter of the challenge before it, even without
	 * the comma; any other token starts a challenge.
	 */
	private static List<Challenge> parse(String value) {
		List<Challenge> challenges = new ArrayList<>();
		String scheme = null;
		String error = null;
		int length = value.length();
		int i = 0;
		while (i < length) {
			char c = value.charAt(i);
			if (c == ',' || c == ' ' || c == '\t') {
				i++;
				continue;
			}
			int end = tokenEnd(value, i);
			if (end == i) {
				i = nextElement(value, i);
				continue;
			}
			String name = value.substring(i, end);
			int parameterValue = parameterValue(value, end);
			if (parameterValue != -1) {
				StringBuilder text = new StringBuilder();
				i = spaceEnd(value, readValue(value, parameterValue, text));
				if (scheme != null && error == null && "error".equalsIgnoreCase(name)) {
					error = text.toString();
				}
				if (i < length && value.charAt(i) != ',' && parameterValue(value, tokenEnd(value, i)) == -1) {
					i = nextElement(value, i);
				}
				continue;
			}
			if (scheme != null) {
				challenges.add(new Challenge(scheme, error));
			}
			scheme = name;
			error = null;
			i = token68End(value, spaceEnd(value, end));
		}
		if (scheme != null) {
			challenges.add(new Challenge(scheme, error));
		}
		return challenges;
	}

	/**
	 * Returns where the value of a parameter starts when a parameter name ends at
	 * {@code nameEnd} ({@code BWS "=" BWS} and a token or quoted string follow),
	 * otherwise {@code -1}.
	 */
	private static int parameterValue(String value, int nameEnd) {
		int equals = spaceEnd(value, nameEnd);
		if (equals >= value.length() || value.charAt(equals) != '=') {
			return -1;
		}
		int start = spaceEnd(value, equals + 1);
		return (start < value.length() && (value.charAt(start) == '"' || isTokenChar(value.charAt(start)))) ? start
				: -1;
	}

	/**
	 * Reads a token or a quoted string (RFC 9110 section 5.6.4, with its backslash
	 * escapes) into {@code text}, which stays empty for a quoted string without its end;
	 * returns the index after it.
	 */
	private static int readValue(String value, int start, StringBuilder text) {
		if (value.charAt(start) != '"') {
			int end = tokenEnd(value, start);
			text.append(value, start, end);
			return end;
		}
		int i = start + 1;
		while (i < value.length()) {
			char c = value.charAt(i);
			if (c == '"') {
				return i + 1;
			}
			if (c == '\\' && i + 1 < value.length()) {
				i++;
				c = value.charAt(i);
			}
			text.append(c);
			i++;
		}
		text.setLength(0);
		return i;
	}

	/**
	 * Skips a {@code token68} (such as a Basic or Negotiate credential) that follows a
	 * scheme; returns {@code start} when there is none.
	 */
	private static int token68End(String value, int start) {
		int i = start;
		while (i < value.length() && (isAlphanumeric(value.charAt(i)) || TOKEN68_CHARS.indexOf(value.charAt(i)) >= 0)) {
			i++;
		}
		if (i == start) {
			return start;
		}
		while (i < value.length() && value.charAt(i) == '=') {
			i++;
		}
		int end = spaceEnd(value, i);
		return (end == value.length() || value.charAt(end) == ',') ? end : start;
	}

	/** Returns the index of the next comma that is not in a quoted string, or the end. */
	private static int nextElement(String value, int start) {
		boolean quoted = false;
		for (int i = start; i < value.length(); i++) {
			char c = value.charAt(i);
			if (quoted && c == '\\') {
				i++;
			}
			else if (c == '"') {
				quoted = !quoted;
			}
			else if (c == ',' && !quoted) {
				return i;
			}
		}
		return value.length();
	}

	private static int tokenEnd(String value, int start) {
		int i = start;
		while (i < value.length() && isTokenChar(value.charAt(i))) {
			i++;
		}
		return i;
	}

	private static int spaceEnd(String value, int start) {
		int i = start;
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static boolean isTokenChar(char c) {
		return isAlphanumeric(c) || TOKEN_CHARS.indexOf(c) >= 0;
	}

	private static boolean isAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	private record Challenge(String scheme, @Nullable String error) {

	}

}
