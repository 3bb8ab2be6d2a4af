package io.github.pkce.autoconfigure;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property names that make the auto-configuration consider a registration configured
 * ({@link PkcePropertiesMapper#MARKERS}, read from the environment) and the check on the
 * bound properties ({@link PkcePropertiesMapper#isConfigured}) agree.
 */
class RegistrationMarkersTests {

	static final java.util.List<String> markers = PkcePropertiesMapper.MARKERS;

	@ParameterizedTest
	@FieldSource("markers")
	void everyMarkerAloneMakesTheBoundRegistrationConfigured(String marker) {
		String value = marker.endsWith("uri") || marker.equals("endpoint") ? "https://login.example.com"
				: marker.equals("provider") ? "keycloak" : "cli";
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("auth.pkce." + marker, value)));
		PkceRegistrationProperties registration = binder.bind("auth.pkce", PkceRegistrationProperties.class)
			.orElseGet(PkceRegistrationProperties::new);
		assertThat(PkcePropertiesMapper.isConfigured(registration)).isTrue();
	}

	@org.junit.jupiter.api.Test
	void noMarkerMeansNotConfigured() {
		assertThat(PkcePropertiesMapper.isConfigured(new PkceRegistrationProperties())).isFalse();
	}

}
