package io.github.pkce.store;

import java.util.ArrayList;
import java.util.List;

import io.github.pkce.internal.Hashes;
import io.github.pkce.store.CredentialsCodec.UnreadableCredentialsException;
import org.jspecify.annotations.Nullable;

/**
 * Stores a value of up to {@link CredentialsCodec#MAX_SIZE} characters in a keyring whose
 * entries are small: Windows Credential Manager holds at most 2,560 bytes per credential,
 * and java-keyring writes UTF-16 there, so at most 1,280 characters.
 * <p>
 * A value of up to {@link #CHUNK_SIZE} characters is the value of the head entry (account
 * = the key). A longer one is cut into chunks stored under the accounts
 * {@code <key>#<slot>.<index>}, and the head entry holds a header
 * {@code chunks:v1:<slot>:<count>:<sha256>} (the SHA-256 of the whole value, base64url).
 * The slot alternates between 1 and 2: a save writes all the chunks of the slot that the
 * head does not point to, then replaces the head (one write, the commit point), then
 * deletes the chunks of the previous slot. A save interrupted at any moment thus leaves
 * the head pointing at complete chunks, old or new; leftovers of an interrupted save sit
 * in the unused slot and are overwritten or deleted by the next save. The digest turns
 * chunks mixed by two programs saving at once into "unreadable" rather than into wrong
 * credentials.
 * <p>
 * Not thread-safe: {@link KeyringCredentialStore} runs one operation at a time.
 *
 * @author pkce-spring-boot
 */
final class KeyringEntries {

	/**
	 * The largest value of one entry, in characters: 2,000 bytes once encoded in UTF-16,
	 * below Windows' limit of 2,560 bytes.
	 */
	static final int CHUNK_SIZE = 1000;

	static final String HEADER_PREFIX = "chunks:v1:";

	static final int MAX_CHUNKS = (CredentialsCodec.MAX_SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE;

	private final KeyringAccess keyring;

	private final String service;

	KeyringEntries(KeyringAccess keyring, String service) {
		this.keyring = keyring;
		this.service = service;
	}

	/**
	 * Reads the value stored under a key.
	 * @param key the key
	 * @return the value, or {@code null} when there is none
	 * @throws UnreadableCredentialsException when the entries are damaged or incomplete
	 * @throws Exception when the keyring fails
	 */
	@Nullable String read(String key) throws Exception {
		String head = this.keyring.get(this.service, key);
		if (head == null) {
			return null;
		}
		if (!head.startsWith(HEADER_PREFIX)) {
			return head;
		}
		Header header = Header.parse(head);
		StringBuilder value = new StringBuilder(header.count() * CHUNK_SIZE);
		for (int index = 0; index < header.count(); index++) {
			String chunk = this.keyring.get(this.service, chunkAccount(key, header.slot(), index));
			if (chunk == null) {
				throw new UnreadableCredentialsException(
						"part " + (index + 1) + " of " + header.count() + " is missing from the keyring");
			}
			value.append(chunk);
			if (value.length() > CredentialsCodec.MAX_SIZE) {
				throw new UnreadableCredentialsException(
						"it is larger than " + (CredentialsCodec.MAX_SIZE / 1024) + " KiB");
			}
		}
		String read = value.toString();
		if (!Hashes.sha256Base64Url(read).equals(header.digest())) {
			throw new UnreadableCredentialsException(
					"its parts do not belong together (saved by two programs at the same time?)");
		}
		return read;
	}

	/**
	 * Stores a value under a key, replacing the value there.
	 * @param key the key
	 * @param value the value, at most {@link CredentialsCodec#MAX_SIZE} characters
	 * @throws Exception when the keyring fails; what was stored before is then still
	 * readable
	 */
	void write(String key, String value) throws Exception {
		Header previous = currentHeader(key);
		if (value.length() <= CHUNK_SIZE && !value.startsWith(HEADER_PREFIX)) {
			this.keyring.set(this.service, key, value);
			deleteChunks(key, 1, 0);
			deleteChunks(key, 2, 0);
			return;
		}
		int slot = (previous != null && previous.slot() == 1) ? 2 : 1;
		List<String> chunks = split(value);
		for (int index = 0; index < chunks.size(); index++) {
			this.keyring.set(this.service, chunkAccount(key, slot, index), chunks.get(index));
		}
		// a longer value saved into this slot before and interrupted may have left more
		deleteChunks(key, slot, chunks.size());
		this.keyring.set(this.service, key, new Header(slot, chunks.size(), Hashes.sha256Base64Url(value)).toString());
		deleteChunks(key, 3 - slot, 0);
	}

	/**
	 * Deletes the value stored under a key and all its chunks.
	 * @param key the key
	 * @throws Exception when the keyring fails
	 */
	void delete(String key) throws Exception {
		// the head first: once it is gone nothing is readable, whatever happens next
		this.keyring.delete(this.service, key);
		deleteChunks(key, 1, 0);
		deleteChunks(key, 2, 0);
	}

	private @Nullable Header currentHeader(String key) throws Exception {
		String head = this.keyring.get(this.service, key);
		if (head == null || !head.startsWith(HEADER_PREFIX)) {
			return null;
		}
		try {
			return Header.parse(head);
		}
		catch (UnreadableCredentialsException ex) {
			return null;
		}
	}

	private void deleteChunks(String key, int slot, int from) throws Exception {
		for (int index = from; index <= MAX_CHUNKS; index++) {
			if (!this.keyring.delete(this.service, chunkAccount(key, slot, index))) {
				return;
			}
		}
	}

	static String chunkAccount(String key, int slot, int index) {
		return key + "#" + slot + "." + index;
	}

	private static List<String> split(String value) {
		List<String> chunks = new ArrayList<>();
		for (int start = 0; start < value.length(); start += CHUNK_SIZE) {
			chunks.add(value.substring(start, Math.min(value.length(), start + CHUNK_SIZE)));
		}
		return chunks;
	}

	private record Header(int slot, int count, String digest) {

		static Header parse(String head) throws UnreadableCredentialsException {
			String[] parts = head.substring(HEADER_PREFIX.length()).split(":", -1);
			if (parts.length != 3) {
				throw new UnreadableCredentialsException("its keyring header is damaged");
			}
			try {
				int slot = Integer.parseInt(parts[0]);
				int count = Integer.parseInt(parts[1]);
				if ((slot != 1 && slot != 2) || count < 1 || count > MAX_CHUNKS || parts[2].length() != 43) {
					throw new UnreadableCredentialsException("its keyring header is damaged");
				}
				return new Header(slot, count, parts[2]);
			}
			catch (NumberFormatException ex) {
				throw new UnreadableCredentialsException("its keyring header is damaged");
			}
		}

		@Override
		public String toString() {
			return HEADER_PREFIX + this.slot + ":" + this.count + ":" + this.digest;
		}

	}

}
