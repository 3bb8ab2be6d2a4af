package io.github.pkce.autoconfigure;

import io.github.pkce.LoginMethod;
import io.github.pkce.store.StoreType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration of browser login with PKCE, under {@code auth.pkce}. The settings of one
 * registration written directly under {@code auth.pkce} form the registration named
 * {@code default}; more are written under {@code auth.pkce.registrations.<name>}. The
 * browser, the pages, the credential store, HTTP and the shell are shared by all
 * registrations.
 *
 * @author pkce-spring-boot
 */
@ConfigurationProperties("auth.pkce")
public class PkceProperties extends PkceRegistrationProperties {

	/**
	 * Whether browser login is auto-configured.
	 */
	private boolean enabled = true;

	/**
	 * Further registrations by name, each with the settings of the default one, for a
	 * program that talks to more than one service.
	 */
	private Map<String, PkceRegistrationProperties> registrations = new LinkedHashMap<>();

	/**
	 * Login settings.
	 */
	private final Login login = new Login();

	/**
	 * Credential store settings.
	 */
	private final Store store = new Store();

	/**
	 * HTTP settings of the calls to the authorization server.
	 */
	private final Http http = new Http();

	/**
	 * Spring Shell settings.
	 */
	private final Shell shell = new Shell();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, PkceRegistrationProperties> getRegistrations() {
		return this.registrations;
	}

	public void setRegistrations(Map<String, PkceRegistrationProperties> registrations) {
		this.registrations = registrations;
	}

	@Override
	public Login getLogin() {
		return this.login;
	}

	public Store getStore() {
		return this.store;
	}

	public Http getHttp() {
		return this.http;
	}

	public Shell getShell() {
		return this.shell;
	}

	/**
	 * Login settings: those of a registration plus the browser and the pages, which all
	 * registrations share.
	 */
	public static class Login extends PkceRegistrationProperties.Login {

		/**
		 * How the user signs in: 'auto' (the browser when one can be opened here, else a
		 * code entered on another device when the server offers the device grant, else
		 * the printed URL), 'browser', or 'device' (RFC 8628).
		 */
		private LoginMethod method = LoginMethod.AUTO;

		/**
		 * How the browser is opened at login: 'auto' (browser-command when it is set,
		 * else the system browser), 'system', 'command' or 'none'.
		 */
		private Browser browser = Browser.AUTO;

		public LoginMethod getMethod() {
			return this.method;
		}

		public void setMethod(LoginMethod method) {
			this.method = method;
		}

		/**
		 * Command that opens the browser when browser is 'auto' or 'command', such as
		 * firefox,--new-window; the URL is added as its last argument.
		 */
		private List<String> browserCommand = new ArrayList<>();

		/**
		 * HTML page shown in the browser after a successful sign-in.
		 */
		private @Nullable Resource successPage;

		/**
		 * HTML page shown in the browser after a failed sign-in, where {error} and
		 * {error_description} are replaced.
		 */
		private @Nullable Resource failurePage;

		public Browser getBrowser() {
			return this.browser;
		}

		public void setBrowser(Browser browser) {
			this.browser = browser;
		}

		public List<String> getBrowserCommand() {
			return this.browserCommand;
		}

		public void setBrowserCommand(List<String> browserCommand) {
			this.browserCommand = browserCommand;
		}

		public @Nullable Resource getSuccessPage() {
			return this.successPage;
		}

		public void setSuccessPage(@Nullable Resource successPage) {
			this.successPage = successPage;
		}

		public @Nullable Resource getFailurePage() {
			return this.failurePage;
		}

		public void setFailurePage(@Nullable Resource failurePage) {
			this.failurePage = failurePage;
		}

	}

	/**
	 * How the browser is opened at login. The sign-in URL is always printed too.
	 */
	public enum Browser {

		/**
		 * The browser command when one is set, else the system browser.
		 */
		AUTO,

		/**
		 * The system browser: the BROWSER environment variable, then the platform's
		 * opener.
		 */
		SYSTEM,

		/**
		 * The configured browser command.
		 */
		COMMAND,

		/**
		 * No browser: the user opens the printed URL.
		 */
		NONE

	}

	/**
	 * Credential store settings.
	 */
	public static class Store {

		/**
		 * Where credentials are kept between runs.
		 */
		private StoreType type = StoreType.AUTO;

		/**
		 * Directory of the file store (one owner-only file per account); by default the
		 * application's directory in the user's configuration directory ($XDG_CONFIG_HOME
		 * or ~/.config, %APPDATA% on Windows).
		 */
		private @Nullable Path directory;

		/**
		 * Name under which credentials are kept: the keyring service name and the file
		 * store's directory name, so a single file name (no '/', '\' or ':'); by default
		 * spring.application.name when it is such a name, else pkce-spring-boot.
		 */
		private @Nullable String name;

		/**
		 * Longest time one keyring call may take before the keyring is given up on.
		 */
		private Duration keyringTimeout = Duration.ofSeconds(3);

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public Duration getKeyringTimeout() {
			return this.keyringTimeout;
		}

		public void setKeyringTimeout(Duration keyringTimeout) {
			this.keyringTimeout = keyringTimeout;
		}

	}

	/**
	 * HTTP settings of the calls to the authorization server (discovery, token, JWK set).
	 */
	public static class Http {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) that trusts the authorization
		 * server, for a private certificate authority.
		 */
		private @Nullable String sslBundle;

		/**
		 * Connect timeout of the calls to the authorization server.
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Read timeout of the calls to the authorization server.
		 */
		private Duration readTimeout = Duration.ofSeconds(30);

		/**
		 * Whether TLS certificates and host names of the authorization server go
		 * unchecked, for development against a server with a self-signed certificate
		 * only: never in production.
		 */
		private boolean insecureSkipTlsVerify;

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public boolean isInsecureSkipTlsVerify() {
			return this.insecureSkipTlsVerify;
		}

		public void setInsecureSkipTlsVerify(boolean insecureSkipTlsVerify) {
			this.insecureSkipTlsVerify = insecureSkipTlsVerify;
		}

	}

	/**
	 * Spring Shell settings.
	 */
	public static class Shell {

		/**
		 * Whether the auth login, logout, status and token commands are registered when
		 * Spring Shell is on the class path.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
