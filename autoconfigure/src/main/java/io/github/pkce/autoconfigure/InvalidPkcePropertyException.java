package io.github.pkce.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when an {@code auth.pkce.*} property is missing or wrong. It names
 * the property and says what to write; {@link InvalidPkcePropertyFailureAnalyzer} shows
 * it in Spring Boot's start-up failure report.
 *
 * @author pkce-spring-boot
 */
final class InvalidPkcePropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String reason;

	private final String action;

	InvalidPkcePropertyException(String property, @Nullable Object value, String reason, String action) {
		this(property, value, reason, action, null);
	}

	InvalidPkcePropertyException(String property, @Nullable Object value, String reason, String action,
			@Nullable Throwable cause) {
		super("Invalid property " + property + ((value != null) ? " '" + value + "'" : "") + ": " + reason + ". "
				+ action, cause);
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	/**
	 * Returns the full name of the property, such as {@code auth.pkce.client-id}.
	 * @return the property name
	 */
	String getProperty() {
		return this.property;
	}

	/**
	 * Returns the value that was refused.
	 * @return the value, or {@code null} when the property is missing
	 */
	@Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Returns what is wrong with the property.
	 * @return the reason
	 */
	String getReason() {
		return this.reason;
	}

	/**
	 * Returns what to write instead.
	 * @return the action
	 */
	String getAction() {
		return this.action;
	}

}
