package io.github.pkce.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidPkcePropertyException} in Spring Boot's start-up failure
 * report: the property, its value, what is wrong, and what to write.
 *
 * @author pkce-spring-boot
 */
class InvalidPkcePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPkcePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPkcePropertyException cause) {
		StringBuilder description = new StringBuilder("Browser login (auth.pkce) is not configured correctly:")
			.append(System.lineSeparator())
			.append(System.lineSeparator());
		description.append("    Property: ").append(cause.getProperty()).append(System.lineSeparator());
		if (cause.getValue() != null) {
			description.append("    Value: \"").append(cause.getValue()).append("\"").append(System.lineSeparator());
		}
		description.append("    Reason: ").append(cause.getReason());
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

}
