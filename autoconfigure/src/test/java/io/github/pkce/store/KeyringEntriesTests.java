package io.github.pkce.store;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link KeyringEntries}, on a keyring in memory.
 *
 * @author pkce-spring-boot
 */
class KeyringEntriesTests {

	private static final String SERVICE = "service";

	private final FakeKeyring keyring = new FakeKeyring();

	private final KeyringEntries entries = new KeyringEntries(this.keyring, SERVICE);

	@Test
	void smallValueIsOneEntry() throws Exception {
		this.entries.write("key", "small");
		assertThat(this.keyring.entries).containsOnlyKeys("service/key").containsEntry("service/key", "small");
		assertThat(this.entries.read("key")).isEqualTo("small");
	}

	@Test
	void missingValueReadsAsNull() throws Exception {
		assertThat(this.entries.read("key")).isNull();
	}

	@Test
	void largeValueIsSplitIntoEntriesThatFitWindowsCredentialManager() throws Exception {
		String value = value('a', 4500);
		this.entries.write("key", value);
		assertThat(this.keyring.entries).containsOnlyKeys("service/key", "service/key#1.0", "service/key#1.1",
				"service/key#1.2", "service/key#1.3", "service/key#1.4");
		assertThat(this.keyring.entries.get("service/key")).startsWith("chunks:v1:1:5:");
		// java-keyring writes UTF-16 there, and a credential holds at most 2,560 bytes
		assertThat(this.keyring.entries.values())
			.allSatisfy((entry) -> assertThat(entry.getBytes(StandardCharsets.UTF_16LE)).hasSizeLessThan(2560));
		assertThat(this.entries.read("key")).isEqualTo(value);
	}

	@Test
	void valueOfExactlyOneChunkIsOneEntry() throws Exception {
		String value = value('a', KeyringEntries.CHUNK_SIZE);
		this.entries.write("key", value);
		assertThat(this.keyring.entries).containsOnlyKeys("service/key");
		assertThat(this.entries.read("key")).isEqualTo(value);
	}

	@Test
	void overwritingALargeValueUsesTheOtherSlotAndDeletesTheFirst() throws Exception {
		this.entries.write("key", value('a', 4500));
		this.entries.write("key", value('b', 2500));
		assertThat(this.keyring.entries).containsOnlyKeys("service/key", "service/key#2.0", "service/key#2.1",
				"service/key#2.2");
		assertThat(this.entries.read("key")).isEqualTo(value('b', 2500));
		this.entries.write("key", value('c', 1500));
		assertThat(this.keyring.entries).containsOnlyKeys("service/key", "service/key#1.0", "service/key#1.1");
		assertThat(this.entries.read("key")).isEqualTo(value('c', 1500));
	}

	@Test
	void smallValueReplacingALargeOneDeletesItsChunks() throws Exception {
		this.entries.write("key", value('a', 4500));
		this.entries.write("key", "small");
		assertThat(this.keyring.entries).containsOnlyKeys("service/key");
		assertThat(this.entries.read("key")).isEqualTo("small");
	}

	@Test
	void keysAreKeptApart() throws Exception {
		this.entries.write("one", value('a', 2500));
		this.entries.write("two", value('b', 2500));
		this.entries.delete("one");
		assertThat(this.entries.read("one")).isNull();
		assertThat(this.entries.read("two")).isEqualTo(value('b', 2500));
	}

	@Test
	void deleteRemovesEveryEntry() throws Exception {
		this.entries.write("key", value('a', 4500));
		this.entries.write("key", value('b', 2500));
		this.entries.delete("key");
		assertThat(this.keyring.entries).isEmpty();
		assertThat(this.entries.read("key")).isNull();
	}

	@Test
	void saveInterruptedAtAnyWriteLeavesTheOldOrTheNewValue() throws Exception {
		List<List<String>> cases = List.of(List.of("small", value('b', 4500)), List.of(value('a', 4500), "small"),
				List.of(value('a', 4500), value('b', 2500)), List.of(value('a', 2500), value('b', 4500)));
		for (List<String> values : cases) {
			String before = values.get(0);
			String after = values.get(1);
			for (int writes = 0; writes < 8; writes++) {
				FakeKeyring keyring = new FakeKeyring();
				KeyringEntries entries = new KeyringEntries(keyring, SERVICE);
				entries.write("key", value('z', 3500));
				entries.write("key", before);
				keyring.writesBeforeFailure = writes;
				try {
					entries.write("key", after);
				}
				catch (IllegalStateException ex) {
					// interrupted
				}
				assertThat(entries.read("key")).isIn(before, after);
				keyring.writesBeforeFailure = -1;
				entries.write("key", "final");
				assertThat(keyring.entries).as("leftovers after %s writes", writes).containsOnlyKeys("service/key");
			}
		}
	}

	@Test
	void failedWriteIsPassedOn() {
		this.keyring.writesBeforeFailure = 0;
		assertThatIllegalStateException().isThrownBy(() -> this.entries.write("key", "small"));
	}

	@Test
	void chunksMixedByTwoWritersAreUnreadable() throws Exception {
		this.entries.write("key", value('a', 2500));
		this.keyring.entries.put("service/key#1.1", value('b', 1000));
		assertThatExceptionOfType(UnreadableCredentialsException.class).isThrownBy(() -> this.entries.read("key"))
			.withMessageContaining("do not belong together");
	}

	@Test
	void missingChunkIsUnreadable() throws Exception {
		this.entries.write("key", value('a', 2500));
		this.keyring.entries.remove("service/key#1.2");
		assertThatExceptionOfType(UnreadableCredentialsException.class).isThrownBy(() -> this.entries.read("key"))
			.withMessageContaining("part 3 of 3 is missing");
	}

	@Test
	void damagedHeaderIsUnreadable() throws Exception {
		for (String header : List.of("chunks:v1:3:1:x", "chunks:v1:1:0:" + "a".repeat(43),
				"chunks:v1:1:99:" + "a".repeat(43), "chunks:v1:one:1:" + "a".repeat(43), "chunks:v1:1:1")) {
			this.keyring.entries.put("service/key", header);
			assertThatExceptionOfType(UnreadableCredentialsException.class).isThrownBy(() -> this.entries.read("key"))
				.withMessageContaining("header is damaged");
		}
	}

	@Test
	void damagedHeaderIsOverwritten() throws Exception {
		this.keyring.entries.put("service/key", "chunks:v1:garbage");
		this.entries.write("key", value('a', 2500));
		assertThat(this.entries.read("key")).isEqualTo(value('a', 2500));
	}

	@Test
	void headerDigestIsTheUnpaddedBase64UrlSha256OfTheUtf8Value() throws Exception {
		this.entries.write("key", value('\u00e9', 1500));
		assertThat(this.keyring.entries.get("service/key"))
			.isEqualTo("chunks:v1:1:2:OjotBDscEp8rQf8yk_oJ9_vgGfy_dzxoAjO9nkueGtk");
	}

	@Test
	void chunksSavedByAnEarlierVersionStayReadable() throws Exception {
		this.keyring.entries.put("service/key", "chunks:v1:2:2:OjotBDscEp8rQf8yk_oJ9_vgGfy_dzxoAjO9nkueGtk");
		this.keyring.entries.put("service/key#2.0", value('\u00e9', 1000));
		this.keyring.entries.put("service/key#2.1", value('\u00e9', 500));
		assertThat(this.entries.read("key")).isEqualTo(value('\u00e9', 1500));
	}

	private static String value(char filler, int length) {
		return String.valueOf(filler).repeat(length);
	}

}
