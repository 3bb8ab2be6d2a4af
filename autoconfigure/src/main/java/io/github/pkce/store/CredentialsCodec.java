package io.github.pkce.store;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.github.pkce.Credentials;
import io.github.pkce.PkceErrorCodes;
import io.github.pkce.PkceException;
import io.github.pkce.dpop.DpopKey;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.StringUtils;

/**
 * The serialized form of {@link Credentials}, shared by the file and the keyring stores:
 * a JSON object with {@code "version": 1}, {@code tokenType}, {@code accessToken},
 * {@code expiresAt} (ISO-8601, absent when unknown), {@code refreshToken} and
 * {@code idToken} (absent when none), {@code scopes} (a sorted array) and {@code dpopKey}
 * (the private JWK of the DPoP key, absent when none). The output is ASCII only (anything
 * else is escaped), so it can be cut anywhere into chunks. Unknown members are ignored so
 * that a later release can add some without a new version; a different version, a blob
 * larger than {@link #MAX_SIZE}, anything that is not such an object, or one with a
 * duplicate member is refused with a reason that never quotes the content.
 *
 * @author pkce-spring-boot
 */
final class CredentialsCodec {

	/** The largest blob read or written, in bytes (64 KiB). */
	static final int MAX_SIZE = 64 * 1024;

	/** The version written, and the only one read. */
	static final int VERSION = 1;

	private static final JsonMapper mapper = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(JsonWriteFeature.ESCAPE_NON_ASCII)
		.build();

	private CredentialsCodec() {
	}

	/**
	 * Serializes credentials.
	 * @param credentials the credentials
	 * @return the JSON text, ASCII only
	 * @throws PkceException when the result would be larger than {@link #MAX_SIZE}
	 */
	static String encode(Credentials credentials) {
		ObjectNode node = mapper.createObjectNode();
		node.put("version", VERSION);
		node.put("tokenType", credentials.tokenType());
		node.put("accessToken", credentials.accessToken());
		if (credentials.expiresAt() != null) {
			node.put("expiresAt", credentials.expiresAt().toString());
		}
		if (credentials.refreshToken() != null) {
			node.put("refreshToken", credentials.refreshToken());
		}
		if (credentials.idToken() != null) {
			node.put("idToken", credentials.idToken());
		}
		ArrayNode scopes = node.putArray("scopes");
		new TreeSet<>(credentials.scopes()).forEach(scopes::add);
		if (credentials.dpopKey() != null) {
			node.set("dpopKey", mapper.readTree(credentials.dpopKey().toJwk()));
		}
		String text = mapper.writeValueAsString(node);
		if (text.length() > MAX_SIZE) {
			throw new PkceException(PkceErrorCodes.CREDENTIAL_STORE, "The credentials are too large to be stored ("
					+ text.length() + " bytes, at most " + MAX_SIZE + "); the credentials stored before are kept.");
		}
		return text;
	}

	/**
	 * Reads credentials written by {@link #encode(Credentials)}.
	 * @param text the JSON text
	 * @return the credentials
	 * @throws UnreadableCredentialsException when the text is not such a blob
	 */
	static Credentials decode(String text) throws UnreadableCredentialsException {
		if (text.length() > MAX_SIZE) {
			throw oversized();
		}
		return decode(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reads credentials written by {@link #encode(Credentials)} as UTF-8 bytes.
	 * @param bytes the JSON text
	 * @return the credentials
	 * @throws UnreadableCredentialsException when the bytes are not such a blob
	 */
	static Credentials decode(byte[] bytes) throws UnreadableCredentialsException {
		if (bytes.length > MAX_SIZE) {
			throw oversized();
		}
		if (bytes.length == 0) {
			throw new UnreadableCredentialsException("it is empty");
		}
		JsonNode node;
		try {
			node = mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			// Jackson's message may quote the content: never pass it on
			throw new UnreadableCredentialsException("it is not valid JSON (truncated or damaged)");
		}
		if (node == null || !node.isObject()) {
			throw new UnreadableCredentialsException("it is not a JSON object");
		}
		JsonNode version = node.get("version");
		if (version == null || !version.isInt()) {
			throw new UnreadableCredentialsException("it has no format version");
		}
		if (version.intValue() != VERSION) {
			throw new UnreadableCredentialsException("its format version " + version.intValue()
					+ " is not supported (this release reads version " + VERSION + ")");
		}
		String accessToken = requiredText(node, "accessToken");
		String tokenType = requiredText(node, "tokenType");
		String expiresAtText = optionalText(node, "expiresAt");
		Instant expiresAt = null;
		if (expiresAtText != null) {
			try {
				expiresAt = Instant.parse(expiresAtText);
			}
			catch (DateTimeException ex) {
				throw new UnreadableCredentialsException("its expiresAt is not an ISO-8601 instant");
			}
		}
		String refreshToken = optionalText(node, "refreshToken");
		String idToken = optionalText(node, "idToken");
		JsonNode scopesNode = node.get("scopes");
		Set<String> scopes = new LinkedHashSet<>();
		if (scopesNode != null && !scopesNode.isNull()) {
			if (!scopesNode.isArray()) {
				throw new UnreadableCredentialsException("its scopes are not an array");
			}
			for (JsonNode scope : scopesNode.values()) {
				if (!scope.isString()) {
					throw new UnreadableCredentialsException("its scopes are not all strings");
				}
				scopes.add(scope.stringValue());
			}
		}
		return new Credentials(accessToken, tokenType, expiresAt, refreshToken, idToken, scopes, dpopKey(node));
	}

	private static @Nullable DpopKey dpopKey(JsonNode node) throws UnreadableCredentialsException {
		JsonNode value = node.get("dpopKey");
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isObject()) {
			throw new UnreadableCredentialsException("its dpopKey is not a JSON object");
		}
		try {
			return DpopKey.fromJwk(mapper.writeValueAsString(value));
		}
		catch (IllegalArgumentException ex) {
			// the key the tokens are bound to is lost: they cannot be used without it
			throw new UnreadableCredentialsException("its dpopKey is not a private EC P-256 key");
		}
	}

	private static String requiredText(JsonNode node, String name) throws UnreadableCredentialsException {
		String value = optionalText(node, name);
		if (!StringUtils.hasText(value)) {
			throw new UnreadableCredentialsException("its " + name + " is missing");
		}
		return Objects.requireNonNull(value);
	}

	private static @Nullable String optionalText(JsonNode node, String name) throws UnreadableCredentialsException {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new UnreadableCredentialsException("its " + name + " is not a string");
		}
		return value.stringValue();
	}

	private static UnreadableCredentialsException oversized() {
		return new UnreadableCredentialsException("it is larger than " + (MAX_SIZE / 1024) + " KiB");
	}

	/**
	 * Thrown when a stored blob cannot be read as credentials. The message is a reason
	 * that never quotes the content.
	 */
	static final class UnreadableCredentialsException extends Exception {

		UnreadableCredentialsException(String reason) {
			super(reason, null, false, false);
		}

	}

}
