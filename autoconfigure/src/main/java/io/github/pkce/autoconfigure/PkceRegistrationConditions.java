package io.github.pkce.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.github.pkce.ClientConfigStore;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Conditions on which registrations {@code auth.pkce.*} configures. They look only at
 * whether properties are present, never at their values, which the mapper checks and
 * reports.
 *
 * @author pkce-spring-boot
 */
final class PkceRegistrationConditions {

	private static final String REGISTRATIONS = PkcePropertiesMapper.PREFIX + ".registrations";

	private PkceRegistrationConditions() {
	}

	/**
	 * Returns the names of the configured registrations.
	 * @param environment the environment
	 * @return the names, {@code default} first when the flat form is used
	 */
	static Set<String> names(Environment environment) {
		Binder binder = Binder.get(environment);
		Set<String> names = new LinkedHashSet<>();
		if (isConfigured(binder, PkcePropertiesMapper.PREFIX)) {
			names.add(ClientConfigStore.DEFAULT_REGISTRATION);
		}
		// a map of strings binds each nested property under its remaining name, such
		// as 'work.client-id'
		Map<String, String> nested = binder.bind(REGISTRATIONS, Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		for (String key : nested.keySet()) {
			int dot = key.indexOf('.');
			names.add((dot > 0) ? key.substring(0, dot) : key);
		}
		return names;
	}

	private static boolean isConfigured(Binder binder, String prefix) {
		for (String marker : PkcePropertiesMapper.MARKERS) {
			if (binder.bind(prefix + "." + marker, String.class).isBound()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Matches when at least one registration is configured.
	 */
	static final class OnAnyRegistration extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("PKCE registrations");
			Set<String> names = names(context.getEnvironment());
			if (names.isEmpty()) {
				return ConditionOutcome.noMatch(
						message.because("none of auth.pkce." + String.join(", auth.pkce.", PkcePropertiesMapper.MARKERS)
								+ " or " + REGISTRATIONS + ".<name>.* is set"));
			}
			return ConditionOutcome.match(message.found("registration", "registrations").items(names));
		}

	}

	/**
	 * Matches when the default registration is configured.
	 */
	static final class OnDefaultRegistration extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("PKCE default registration");
			if (names(context.getEnvironment()).contains(ClientConfigStore.DEFAULT_REGISTRATION)) {
				return ConditionOutcome.match(message.found("registration").items("default"));
			}
			return ConditionOutcome.noMatch(message.didNotFind("registration").items("default"));
		}

	}

	/**
	 * Matches when the default registration has an endpoint.
	 */
	static final class OnDefaultEndpoint extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("PKCE endpoint");
			Binder binder = Binder.get(context.getEnvironment());
			for (String prefix : new String[] { PkcePropertiesMapper.PREFIX, REGISTRATIONS + ".default" }) {
				if (binder.bind(prefix + ".endpoint", String.class).isBound()) {
					return ConditionOutcome.match(message.found("property").items(prefix + ".endpoint"));
				}
			}
			return ConditionOutcome.noMatch(message.didNotFind("property").items("auth.pkce.endpoint"));
		}

	}

}
