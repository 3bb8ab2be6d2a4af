package io.github.pkce.store;

import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import org.jspecify.annotations.Nullable;

/**
 * {@link KeyringAccess} over java-keyring: macOS Keychain, Windows Credential Manager,
 * the freedesktop Secret Service (GNOME Keyring, KeePassXC...) or KWallet. The only class
 * that refers to java-keyring, loaded only after its presence was checked.
 * <p>
 * java-keyring reports a missing entry as a {@link PasswordAccessException} from every
 * backend, with backend-specific messages; it is taken as "no such entry" on reads and
 * deletes. Any other failure, and any failure to write, is passed on.
 *
 * @author pkce-spring-boot
 */
final class JavaKeyringAccess implements KeyringAccess {

	private final Keyring keyring;

	private JavaKeyringAccess(Keyring keyring) {
		this.keyring = keyring;
	}

	/**
	 * Opens the platform's keyring; may block (for 120 seconds on a locked GNOME keyring
	 * once a write failed).
	 * @return the keyring
	 * @throws Exception when no backend is available
	 */
	static KeyringAccess open() throws Exception {
		return new JavaKeyringAccess(Keyring.create());
	}

	@Override
	public @Nullable String get(String service, String account) throws Exception {
		try {
			return this.keyring.getPassword(service, account);
		}
		catch (PasswordAccessException ex) {
			return null;
		}
	}

	@Override
	public void set(String service, String account, String value) throws Exception {
		this.keyring.setPassword(service, account, value);
	}

	@Override
	public boolean delete(String service, String account) throws Exception {
		try {
			this.keyring.deletePassword(service, account);
			return true;
		}
		catch (PasswordAccessException ex) {
			return false;
		}
	}

	@Override
	public void close() throws Exception {
		this.keyring.close();
	}

	@Override
	public String toString() {
		return "JavaKeyringAccess[" + this.keyring.getKeyringStorageType() + "]";
	}

}
