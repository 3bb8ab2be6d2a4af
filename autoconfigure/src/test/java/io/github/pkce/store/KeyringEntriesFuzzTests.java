package io.github.pkce.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.pkce.FuzzStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test for the keyring's chunk reassembly and decoding, through
 * {@link KeyringCredentialStore#load(String)}: whatever the keyring holds under a key (a
 * blob, a header naming chunks that are missing, mixed, oversized or that do not match
 * its digest), loading returns credentials or nothing, and never fails.
 *
 * @author pkce-spring-boot
 */
class KeyringEntriesFuzzTests {

	private static final String SERVICE = "fuzz";

	private static final String KEY = "key";

	private static final FakeKeyring keyring = new FakeKeyring();

	private static final KeyringCredentialStore store = new KeyringCredentialStore(SERVICE, Duration.ofSeconds(30),
			keyring.opener());

	@AfterAll
	static void closeStore() {
		store.close();
	}

	@RegisterExtension
	static final FuzzStatistics statistics = new FuzzStatistics();

	@FuzzTest
	void load(FuzzedDataProvider data) throws Exception {
		statistics.count();
		synchronized (keyring) {
			keyring.entries.clear();
		}
		if (data.consumeBoolean()) {
			put(KEY, data.consumeString(2 * KeyringEntries.CHUNK_SIZE));
		}
		else {
			int slot = data.consumeInt(0, 3);
			List<String> chunks = new ArrayList<>();
			int count = data.consumeInt(0, KeyringEntries.MAX_CHUNKS + 2);
			for (int index = 0; index < count && data.remainingBytes() > 0; index++) {
				String chunk = data.consumeString(KeyringEntries.CHUNK_SIZE + 10);
				chunks.add(chunk);
				put(KeyringEntries.chunkAccount(KEY, slot, index), chunk);
			}
			int declared = data.consumeBoolean() ? chunks.size() : data.consumeInt(-1, KeyringEntries.MAX_CHUNKS + 2);
			String digest = data.consumeBoolean() ? digest(String.join("", chunks)) : data.consumeString(50);
			String header = data.consumeBoolean() ? KeyringEntries.HEADER_PREFIX + slot + ":" + declared + ":" + digest
					: KeyringEntries.HEADER_PREFIX + data.consumeRemainingAsString();
			put(KEY, header);
		}
		// Returns credentials or null; a failure here would be a finding.
		store.load(KEY);
		assertThat(store.getUnusableReason()).isNull();
	}

	private static void put(String account, String value) throws Exception {
		keyring.set(SERVICE, account, value);
	}

	private static String digest(String value) throws Exception {
		byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
	}

}
