package io.github.pkce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How an issuer is compared for the providers that bend the exact comparison of OpenID
 * Connect Discovery section 4.3 and Core section 3.1.3.7. Every other issuer is compared
 * byte for byte.
 * <ul>
 * <li>Microsoft Entra ID: the multi-tenant discovery documents ({@code common},
 * {@code organizations}) name the issuer
 * {@code https://login.microsoftonline.com/{tenantid}/v2.0} with a literal placeholder,
 * and {@code consumers} or a tenant domain name a tenant id: the document is accepted for
 * the same host, and an ID token's {@code iss} must equal the document's issuer with the
 * placeholder replaced by the token's own {@code tid} (<a href=
 * "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer">Validate
 * the issuer</a>).</li>
 * <li>Google: an ID token's {@code iss} is {@code https://accounts.google.com} or
 * {@code accounts.google.com} (<a href=
 * "https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken">Validating
 * an ID token</a>).</li>
 * </ul>
 *
 * @author pkce-spring-boot
 */
final class Issuers {

	/** The placeholder of Microsoft's multi-tenant issuers. */
	static final String TENANT_PLACEHOLDER = "{tenantid}";

	private static final Pattern MICROSOFT_ISSUER = Pattern.compile("(https?://[^/]+)/([^/]+)/v2\\.0/?");

	private static final String GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

	private static final Pattern TENANT_ID = Pattern.compile(GUID);

	private Issuers() {
	}

	/**
	 * Whether the issuer a discovery document names belongs to the configured issuer.
	 * @param provider the provider, if known
	 * @param configured the configured issuer
	 * @param document the issuer of the document
	 * @return whether the document is accepted
	 */
	static boolean isDocumentIssuer(@Nullable Provider provider, String configured, @Nullable Object document) {
		if (configured.equals(document)) {
			return true;
		}
		if (provider != Provider.MICROSOFT || !(document instanceof String named)) {
			return false;
		}
		Matcher expected = MICROSOFT_ISSUER.matcher(configured);
		Matcher actual = MICROSOFT_ISSUER.matcher(named);
		return expected.matches() && actual.matches() && expected.group(1).equalsIgnoreCase(actual.group(1))
				&& (TENANT_PLACEHOLDER.equals(actual.group(2)) || TENANT_ID.matcher(actual.group(2)).matches());
	}

	/**
	 * Whether the {@code iss} of an authorization response (RFC 9207) names the issuer; a
	 * multi-tenant Microsoft issuer matches any tenant id in place of its placeholder.
	 * @param provider the provider, if known
	 * @param issuer the issuer of the metadata
	 * @param iss the response's {@code iss}
	 * @return whether it matches
	 */
	static boolean isResponseIssuer(@Nullable Provider provider, @Nullable String issuer, String iss) {
		if (issuer == null || iss.equals(issuer)) {
			return iss.equals(issuer);
		}
		if (provider == Provider.MICROSOFT && issuer.contains(TENANT_PLACEHOLDER)) {
			String[] parts = issuer.split(Pattern.quote(TENANT_PLACEHOLDER), -1);
			return iss.matches(Pattern.quote(parts[0]) + GUID + Pattern.quote(parts[1]));
		}
		return provider == Provider.GOOGLE && iss.equals(withoutScheme(issuer));
	}

	/**
	 * Returns the issuer an ID token must name.
	 * @param provider the provider, if known
	 * @param issuer the issuer of the metadata
	 * @param tenantId the token's {@code tid} claim
	 * @return the expected issuer, or {@code null} when a multi-tenant issuer meets a
	 * token without a valid {@code tid}
	 */
	static @Nullable String idTokenIssuer(@Nullable Provider provider, String issuer, @Nullable String tenantId) {
		if (provider != Provider.MICROSOFT || !issuer.contains(TENANT_PLACEHOLDER)) {
			return issuer;
		}
		if (tenantId == null || !TENANT_ID.matcher(tenantId).matches()) {
			return null;
		}
		return issuer.replace(TENANT_PLACEHOLDER, tenantId);
	}

	/**
	 * Returns the issuer without its scheme, the second form of Google's issuer.
	 * @param issuer the issuer
	 * @return the issuer without {@code https://} (or {@code http://})
	 */
	static String withoutScheme(String issuer) {
		int separator = issuer.indexOf("://");
		return (separator >= 0) ? issuer.substring(separator + 3) : issuer;
	}

}
