package io.github.pkce.loopback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.FuzzStatistics;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests for {@link RequestHead}: whatever bytes a local client sends, reading and
 * parsing them ends in a request head or in a status to answer with, never in another
 * exception, and a parsed head holds no line break that could reach a response.
 * <p>
 * A plain build replays the inputs under {@code src/test/resources}; {@code .ci/fuzz}
 * fuzzes.
 */
class RequestHeadFuzzTests {

	private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 505);

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	/**
	 * Parses the bytes as they are, then reads them as from a connection and parses what
	 * was read.
	 */
	@FuzzTest
	// libFuzzer dictionary syntax: \xNN for a line break or a quote
	@DictionaryEntries({ "GET ", " HTTP/1.1\\x0D\\x0A", " HTTP/1.0", " HTTP/2.0", "Host: ", "\\x0D\\x0A",
			"\\x0D\\x0A\\x0D\\x0A", "\\x0A\\x0A", "http://", "http://127.0.0.1:0/", "*", "?", "#", ":" })
	void readAndParse(byte[] bytes) throws IOException {
		statistics.count();
		checkParse(bytes);
		byte[] head;
		try {
			head = RequestHead.read(new ByteArrayInputStream(bytes));
		}
		catch (HttpRequestException ex) {
			assertThat(ex.status()).isIn(400, 414, 431);
			return;
		}
		if (head == null) {
			for (byte b : bytes) {
				assertThat(b).isIn((byte) '\r', (byte) '\n');
			}
			return;
		}
		assertThat(head.length).isLessThanOrEqualTo(RequestHead.MAX_SIZE).isLessThanOrEqualTo(bytes.length);
		assertThat(head[head.length - 1]).isEqualTo((byte) '\n');
		checkParse(head);
	}

	private static void checkParse(byte[] bytes) {
		RequestHead head;
		try {
			head = RequestHead.parse(bytes);
		}
		catch (HttpRequestException ex) {
			assertThat(ex.status()).isIn(STATUSES);
			return;
		}
		assertThat(head.method()).isNotEmpty().doesNotContain(" ", "\r", "\n");
		assertThat(head.rawPath()).matches("/[\\x21-\\x7e&&[^?#]]*|\\*");
		if (head.rawQuery() != null) {
			assertThat(head.rawQuery()).matches("[\\x21-\\x7e&&[^#]]*");
		}
		if (head.authority() != null) {
			assertThat(head.authority()).matches("[\\x21-\\x7e&&[^/?#]]+");
		}
		assertThat(head.hosts()).allSatisfy((host) -> assertThat(host).doesNotContain("\r", "\n"));
	}

}
