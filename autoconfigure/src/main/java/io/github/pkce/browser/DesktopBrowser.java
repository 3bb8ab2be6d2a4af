package io.github.pkce.browser;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;

/**
 * Opens a URI with {@link Desktop#browse(URI)}. Kept in its own class so that
 * {@code java.awt} is only loaded once the caller has checked that a display may exist.
 *
 * @author pkce-spring-boot
 */
final class DesktopBrowser {

	private DesktopBrowser() {
	}

	static boolean browse(URI uri) {
		try {
			if (GraphicsEnvironment.isHeadless() || !Desktop.isDesktopSupported()) {
				return false;
			}
			Desktop desktop = Desktop.getDesktop();
			if (!desktop.isSupported(Desktop.Action.BROWSE)) {
				return false;
			}
			desktop.browse(uri);
			return true;
		}
		catch (Exception | LinkageError ex) {
			return false;
		}
	}

}
