package io.github.pkce.dpop;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nonces by origin, and the RFC 9449 section 8.1 syntax.
 */
class DpopNoncesTests {

	private final DpopNonces nonces = new DpopNonces();

	@Test
	void noNonceAtFirst() {
		assertThat(this.nonces.get(URI.create("https://as.example.com/token"))).isNull();
	}

	@Test
	void nonceIsKeptPerOrigin() {
		assertThat(this.nonces.update(URI.create("https://as.example.com/token"), nonce("n-1"))).isTrue();
		assertThat(this.nonces.get(URI.create("https://as.example.com/par?x=1"))).isEqualTo("n-1");
		assertThat(this.nonces.get(URI.create("HTTPS://AS.example.com:443/"))).isEqualTo("n-1");
		assertThat(this.nonces.get(URI.create("https://as.example.com:8443/token"))).isNull();
		assertThat(this.nonces.get(URI.create("http://as.example.com/token"))).isNull();
		assertThat(this.nonces.get(URI.create("https://rs.example.com/token"))).isNull();
	}

	@Test
	void defaultPortIsFilledIn() {
		this.nonces.update(URI.create("http://a:80/x"), nonce("n-1"));
		assertThat(this.nonces.get(URI.create("http://a"))).isEqualTo("n-1");
		this.nonces.update(URI.create("https://b/x"), nonce("n-2"));
		assertThat(this.nonces.get(URI.create("https://b:443"))).isEqualTo("n-2");
	}

	@Test
	void updateIsTrueOnlyWhenTheNonceChanges() {
		URI uri = URI.create("https://as.example.com/token");
		assertThat(this.nonces.update(uri, nonce("n-1"))).isTrue();
		assertThat(this.nonces.update(uri, nonce("n-1"))).isFalse();
		assertThat(this.nonces.update(uri, nonce("n-2"))).isTrue();
		assertThat(this.nonces.get(uri)).isEqualTo("n-2");
	}

	@Test
	void absentHeaderLeavesTheStoredNonce() {
		URI uri = URI.create("https://as.example.com/token");
		this.nonces.update(uri, nonce("n-1"));
		assertThat(this.nonces.update(uri, new HttpHeaders())).isFalse();
		assertThat(this.nonces.get(uri)).isEqualTo("n-1");
	}

	@Test
	void headerNameIsCaseInsensitive() {
		URI uri = URI.create("https://as.example.com/token");
		HttpHeaders headers = new HttpHeaders();
		headers.set("dpop-nonce", "n-1");
		assertThat(this.nonces.update(uri, headers)).isTrue();
		assertThat(this.nonces.get(uri)).isEqualTo("n-1");
	}

	@Test
	void invalidNoncesAreIgnored() {
		URI uri = URI.create("https://as.example.com/token");
		this.nonces.update(uri, nonce("n-1"));
		for (String invalid : new String[] { "", "a b", "a\"b", "a\\b", "a\tb", "caf\u00e9", "a\u007fb",
				"n".repeat(1025) }) {
			assertThat(this.nonces.update(uri, nonce(invalid))).isFalse();
			assertThat(this.nonces.get(uri)).isEqualTo("n-1");
		}
	}

	@Test
	void everyNqcharIsAccepted() {
		StringBuilder all = new StringBuilder();
		for (char c = 0x21; c <= 0x7E; c++) {
			if (c != '"' && c != '\\') {
				all.append(c);
			}
		}
		URI uri = URI.create("https://as.example.com/token");
		assertThat(this.nonces.update(uri, nonce(all.toString()))).isTrue();
		assertThat(this.nonces.update(uri, nonce("n".repeat(1024)))).isTrue();
		assertThat(this.nonces.get(uri)).isEqualTo("n".repeat(1024));
	}

	private static HttpHeaders nonce(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("DPoP-Nonce", value);
		return headers;
	}

}
