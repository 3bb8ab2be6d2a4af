package io.github.pkce.internal;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Origin}.
 *
 * @author pkce-spring-boot
 */
class OriginTests {

	@Test
	void originIsSchemeHostAndPortInLowerCaseWithTheDefaultPortFilledIn() {
		assertThat(Origin.of(URI.create("HTTPS://API.example.com/v1/x?q#f")))
			.isEqualTo(new Origin("https", "api.example.com", 443));
		assertThat(Origin.of(URI.create("http://a"))).isEqualTo(Origin.of(URI.create("http://a:80/")));
		assertThat(Origin.of(URI.create("http://a:8080"))).isEqualTo(new Origin("http", "a", 8080));
		assertThat(Origin.of(URI.create("ftp://a/x"))).isEqualTo(new Origin("ftp", "a", -1));
	}

	@Test
	void schemeHostAndPortEachMakeAnotherOrigin() {
		Origin origin = Origin.of(URI.create("https://api.example.com"));
		assertThat(origin).isNotEqualTo(Origin.of(URI.create("http://api.example.com")))
			.isNotEqualTo(Origin.of(URI.create("https://api.example.com:8443")))
			.isNotEqualTo(Origin.of(URI.create("https://files.example.com")));
	}

	@Test
	void matchesComparesLikeEquals() {
		Origin origin = Origin.of(URI.create("https://api.example.com"));
		assertThat(origin.matches(URI.create("HTTPS://Api.Example.com:443/data?x"))).isTrue();
		assertThat(origin.matches(URI.create("https://api.example.com/"))).isTrue();
		assertThat(origin.matches(URI.create("http://api.example.com/"))).isFalse();
		assertThat(origin.matches(URI.create("https://api.example.com:8443/"))).isFalse();
		assertThat(origin.matches(URI.create("https://api.example.com.evil/"))).isFalse();
		assertThat(origin.matches(URI.create("/data"))).isFalse();
		assertThat(origin.matches(URI.create("mailto:a@api.example.com"))).isFalse();
	}

	@Test
	void defaultPortsAreThoseOfHttpAndHttps() {
		assertThat(Origin.defaultPort("https")).isEqualTo(443);
		assertThat(Origin.defaultPort("HTTP")).isEqualTo(80);
		assertThat(Origin.defaultPort("ws")).isEqualTo(-1);
	}

	@Test
	void uriWithoutSchemeOrHostHasNoOrigin() {
		assertThatIllegalArgumentException().isThrownBy(() -> Origin.of(URI.create("/data")))
			.withMessage("uri must be an absolute URI with a host");
		assertThatIllegalArgumentException().isThrownBy(() -> Origin.of(URI.create("api.example.com")));
		assertThatIllegalArgumentException().isThrownBy(() -> Origin.of(URI.create("mailto:a@example.com")));
	}

	@Test
	void toStringIsSchemeHostAndPort() {
		assertThat(Origin.of(URI.create("https://API.example.com/x"))).hasToString("https://api.example.com:443");
	}

}
