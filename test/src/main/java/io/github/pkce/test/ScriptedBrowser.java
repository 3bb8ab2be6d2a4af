package io.github.pkce.test;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.pkce.browser.BrowserLauncher;
import org.htmlunit.BrowserVersion;
import org.htmlunit.Page;
import org.htmlunit.SilentCssErrorHandler;
import org.htmlunit.WebClient;
import org.htmlunit.WebClientOptions;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlCheckBoxInput;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlPasswordInput;
import org.htmlunit.javascript.SilentJavaScriptErrorListener;
import org.htmlunit.util.WebConnectionWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link BrowserLauncher} for tests that plays the user's part in a real browser
 * (HtmlUnit, JavaScript and CSS off): it loads the authorization request, signs in
 * through the server's login form, answers the consent page if one is shown, and follows
 * the server's redirect to the loopback callback with a real HTTP request. So
 * {@link #open(URI)} returns only when the program's callback server has answered.
 * <p>
 * Every call starts with a fresh browser session (no cookies), so every call signs in.
 * The browser contacts loopback hosts only unless {@link #allowingAnyHost()} says
 * otherwise. Instances are thread-safe; {@link #lastPage()} and {@link #visitedUrls()}
 * describe the most recent call.
 *
 * <pre class="code">
 * ScriptedBrowser browser = ScriptedBrowser.signingInAs("alice", "password");
 * // hand it to the code under test as its BrowserLauncher, then:
 * assertThat(browser.lastPage().text()).contains("signed in");
 * </pre>
 *
 * Known to work with Spring Authorization Server and Spring Security's default login
 * page; other servers work when their login form is a plain HTML form with one password
 * field.
 *
 * @author pkce-spring-boot
 */
public final class ScriptedBrowser implements BrowserLauncher {

	private static final int MAX_STEPS = 8;

	private static final String CONSENT_FORM = "consent_form";

	private static final String USER_CODE = "user_code";

	private final String username;

	private final String password;

	private final boolean approveConsent;

	private final boolean anyHost;

	private final Duration timeout;

	private final List<URI> openedUris = new CopyOnWriteArrayList<>();

	private volatile List<URI> visitedUrls = List.of();

	private volatile @Nullable VisitedPage lastPage;

	private ScriptedBrowser(String username, String password, boolean approveConsent, boolean anyHost,
			Duration timeout) {
		this.username = username;
		this.password = password;
		this.approveConsent = approveConsent;
		this.anyHost = anyHost;
		this.timeout = timeout;
	}

	/**
	 * Returns a browser that signs in as the given user and approves every requested
	 * scope if asked for consent.
	 * @param username the user name to type into the login form
	 * @param password the password to type into the login form
	 * @return a new browser
	 */
	public static ScriptedBrowser signingInAs(String username, String password) {
		return create(username, password, true);
	}

	/**
	 * Returns a browser that signs in as the given user and then refuses consent, as the
	 * consent page's Cancel button does: the server answers {@code error=access_denied}
	 * (RFC 6749 section 4.1.2.1). The server must show a consent page: one that remembers
	 * an earlier consent to the same scopes approves without asking.
	 * @param username the user name to type into the login form
	 * @param password the password to type into the login form
	 * @return a new browser
	 */
	public static ScriptedBrowser denyingConsent(String username, String password) {
		return create(username, password, false);
	}

	private static ScriptedBrowser create(String username, String password, boolean approveConsent) {
		Assert.hasText(username, "username cannot be empty");
		Assert.notNull(password, "password cannot be null");
		return new ScriptedBrowser(username, password, approveConsent, false, Duration.ofSeconds(10));
	}

	/**
	 * Returns a copy of this browser that may contact hosts other than the loopback
	 * addresses and {@code localhost}, for example an identity provider in a container on
	 * a remote Docker host.
	 * @return a new browser
	 */
	public ScriptedBrowser allowingAnyHost() {
		return new ScriptedBrowser(this.username, this.password, this.approveConsent, true, this.timeout);
	}

	/**
	 * Returns a copy of this browser with another timeout for each HTTP request.
	 * @param timeout the connect and read timeout, 10 seconds by default
	 * @return a new browser
	 */
	public ScriptedBrowser withTimeout(Duration timeout) {
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		return new ScriptedBrowser(this.username, this.password, this.approveConsent, this.anyHost, timeout);
	}

	/**
	 * Plays the whole browser part of an authorization code login: loads {@code uri},
	 * signs in, answers the consent page if shown, and follows the redirect to the
	 * redirect URI. Whatever the redirect target answers, even an error page, counts as
	 * success.
	 * @param uri the authorization request URI
	 * @return {@code true} once the redirect target has answered
	 * @throws ScriptedBrowserException if the sign-in fails, or the browser ends on a
	 * page of the authorization server (for example its error page for an unknown client
	 * or redirect URI) instead of at the redirect target, or a page cannot be loaded
	 */
	@Override
	public boolean open(URI uri) {
		Assert.notNull(uri, "uri cannot be null");
		this.openedUris.add(uri);
		Journey journey = travel(uri, null);
		if (sameOrigin(journey.page().url(), journey.server())) {
			throw new ScriptedBrowserException(
					"Expected a redirect away from the authorization server, but the browser " + "stopped at "
							+ journey.page().describe());
		}
		return true;
	}

	/**
	 * Approves a device (RFC 8628 section 3.3) as its user would: opens the verification
	 * URI that carries the user code ({@code verification_uri_complete}), signs in and
	 * answers the consent page (approving, or refusing for a browser made by
	 * {@link #denyingConsent}).
	 * @param verificationUriComplete the verification URI with the user code
	 * @return the page the browser ended on; after an approval on the embedded server, a
	 * page at {@code /?success}, after a refusal an error page
	 * @throws ScriptedBrowserException if the sign-in fails or a page cannot be loaded
	 */
	public VisitedPage completeDeviceAuthorization(URI verificationUriComplete) {
		Assert.notNull(verificationUriComplete, "verificationUriComplete cannot be null");
		return completeDevice(verificationUriComplete, null);
	}

	/**
	 * Approves a device (RFC 8628 section 3.3) as its user would: opens the verification
	 * URI, signs in, types the user code into the code-entry form and answers the consent
	 * page (approving, or refusing for a browser made by {@link #denyingConsent}).
	 * @param verificationUri the verification URI
	 * @param userCode the user code shown on the device
	 * @return the page the browser ended on; after an approval on the embedded server, a
	 * page at {@code /?success}
	 * @throws ScriptedBrowserException if the sign-in fails, no code-entry form appears
	 * or a page cannot be loaded
	 */
	public VisitedPage completeDeviceAuthorization(URI verificationUri, String userCode) {
		Assert.notNull(verificationUri, "verificationUri cannot be null");
		Assert.hasText(userCode, "userCode cannot be empty");
		return completeDevice(verificationUri, userCode);
	}

	private VisitedPage completeDevice(URI start, @Nullable String userCode) {
		Journey journey = travel(start, userCode);
		if (userCode != null && !journey.codeEntered()) {
			throw new ScriptedBrowserException("Expected a form asking for the user code, but the browser stopped at "
					+ journey.page().describe());
		}
		return journey.page();
	}

	/**
	 * Returns the page the most recent call ended on; after {@link #open(URI)}, the
	 * callback server's answer.
	 * @return the final page
	 * @throws IllegalStateException if the browser has not loaded any page yet
	 */
	public VisitedPage lastPage() {
		VisitedPage page = this.lastPage;
		if (page == null) {
			throw new IllegalStateException("The scripted browser has not loaded any page yet");
		}
		return page;
	}

	/**
	 * Returns every URL the most recent call requested, redirects included, in order.
	 * @return the requested URLs
	 */
	public List<URI> visitedUrls() {
		return this.visitedUrls;
	}

	/**
	 * Returns every URI passed to {@link #open(URI)}, in order; empty if the code under
	 * test never opened the browser.
	 * @return the opened URIs
	 */
	public List<URI> openedUris() {
		return List.copyOf(this.openedUris);
	}

	private Journey travel(URI start, @Nullable String userCode) {
		List<URI> visited = Collections.synchronizedList(new ArrayList<>());
		this.visitedUrls = Collections.unmodifiableList(visited);
		try (WebClient client = newWebClient(visited)) {
			Page page = load(client, start);
			URI server = authorizationServer(start, visited);
			boolean signedIn = false;
			boolean codeEntered = false;
			boolean consentAnswered = false;
			for (int step = 0; step < MAX_STEPS; step++) {
				if (!(page instanceof HtmlPage html) || !sameOrigin(page.getUrl(), server)) {
					break;
				}
				HtmlForm login = findLoginForm(html);
				HtmlForm consent = findForm(html, CONSENT_FORM);
				HtmlInput codeInput = findUserCodeInput(html);
				if (login != null) {
					if (signedIn) {
						record(page);
						throw new ScriptedBrowserException(
								"Signing in as '" + this.username + "' failed: the login form came back at "
										+ withoutQuery(page.getUrl()) + ". Check the user name and password.");
					}
					page = signIn(client, login);
					signedIn = true;
				}
				else if (consent != null && !consentAnswered) {
					page = answerConsent(client, consent);
					consentAnswered = true;
				}
				else if (codeInput != null && userCode != null && !codeEntered) {
					codeInput.setValue(userCode);
					page = submit(client, codeInput.getEnclosingFormOrDie());
					codeEntered = true;
				}
				else {
					break;
				}
			}
			VisitedPage last = record(page);
			if (!signedIn && sameOrigin(page.getUrl(), server)) {
				throw new ScriptedBrowserException("Expected the login form of " + origin(server)
						+ ", but the browser stopped at " + last.describe());
			}
			return new Journey(last, codeEntered, server);
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof ScriptedBrowserException browserException) {
				throw browserException;
			}
			throw new ScriptedBrowserException("The scripted browser could not load a page while at "
					+ lastVisited(visited, start) + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Returns the authorization server of a journey: where it started, unless the start
	 * address only sent the browser on to an authorization request (one with a
	 * {@code client_id}), as a program's own loopback address does for a pushed
	 * authorization request (RFC 9126).
	 */
	private static URI authorizationServer(URI start, List<URI> visited) {
		if (!hasClientId(start)) {
			synchronized (visited) {
				for (URI uri : visited) {
					if (hasClientId(uri)) {
						return uri;
					}
				}
			}
		}
		return start;
	}

	private static boolean hasClientId(URI uri) {
		String query = uri.getRawQuery();
		return query != null && ("&" + query).contains("&client_id=");
	}

	private VisitedPage record(Page page) {
		VisitedPage visited = VisitedPage.of(page);
		this.lastPage = visited;
		return visited;
	}

	private WebClient newWebClient(List<URI> visited) {
		WebClient client = new WebClient(BrowserVersion.BEST_SUPPORTED);
		WebClientOptions options = client.getOptions();
		options.setJavaScriptEnabled(false);
		options.setCssEnabled(false);
		options.setDownloadImages(false);
		options.setThrowExceptionOnFailingStatusCode(false);
		options.setThrowExceptionOnScriptError(false);
		options.setPrintContentOnFailingStatusCode(false);
		options.setRedirectEnabled(true);
		options.setTimeout((int) this.timeout.toMillis());
		// HtmlUnit reports every quirk of a page through its logger; none matters here.
		client.setIncorrectnessListener((message, origin) -> {
		});
		client.setCssErrorHandler(new SilentCssErrorHandler());
		client.setJavaScriptErrorListener(new SilentJavaScriptErrorListener());
		client.setHTMLParserListener(null);
		new WebConnectionWrapper(client) {

			@Override
			public WebResponse getResponse(WebRequest request) throws IOException {
				URL url = request.getUrl();
				if (!ScriptedBrowser.this.anyHost && !isLoopback(url.getHost())) {
					throw new IOException("refused to contact " + url.getHost()
							+ ", which is not a loopback address (see ScriptedBrowser.allowingAnyHost())");
				}
				visited.add(toUri(url));
				return super.getResponse(request);
			}

		};
		return client;
	}

	private static Page load(WebClient client, URI uri) throws IOException {
		return client.getPage(uri.toURL());
	}

	private Page signIn(WebClient client, HtmlForm form) throws IOException {
		HtmlPasswordInput passwordInput = Objects.requireNonNull(form.getFirstByXPath(".//input[@type='password']"));
		List<HtmlInput> named = form.getInputsByName("username");
		HtmlInput usernameInput = !named.isEmpty() ? named.get(0)
				: form.getFirstByXPath(".//input[@type='text' or @type='email' or not(@type)]");
		if (usernameInput == null) {
			throw new ScriptedBrowserException("The login form has no user name field");
		}
		usernameInput.setValue(this.username);
		passwordInput.setValue(this.password);
		return submit(client, form);
	}

	private Page answerConsent(WebClient client, HtmlForm form) throws IOException {
		for (HtmlElement element : form.getElements((candidate) -> candidate instanceof HtmlCheckBoxInput)) {
			HtmlCheckBoxInput checkBox = (HtmlCheckBoxInput) element;
			if (!checkBox.isDisabled()) {
				checkBox.setChecked(this.approveConsent);
			}
		}
		// Without JavaScript the Cancel button does nothing; submitting no scope is what
		// its script does, and the server answers access_denied.
		HtmlElement submit = form.getFirstByXPath(".//*[@id='submit-consent']");
		return (submit != null) ? click(client, submit) : submit(client, form);
	}

	private static Page submit(WebClient client, HtmlForm form) throws IOException {
		HtmlElement button = form
			.getFirstByXPath(".//button[@type='submit' or not(@type)] | .//input[@type='submit' or @type='image']");
		if (button == null) {
			form.submit(null);
			return client.getCurrentWindow().getEnclosedPage();
		}
		return click(client, button);
	}

	private static Page click(WebClient client, HtmlElement element) throws IOException {
		element.click();
		return client.getCurrentWindow().getEnclosedPage();
	}

	private static @Nullable HtmlForm findLoginForm(HtmlPage page) {
		return page.getForms()
			.stream()
			.filter((form) -> form.getFirstByXPath(".//input[@type='password']") != null)
			.findFirst()
			.orElse(null);
	}

	private static @Nullable HtmlForm findForm(HtmlPage page, String name) {
		return page.getForms().stream().filter((form) -> name.equals(form.getNameAttribute())).findFirst().orElse(null);
	}

	private static @Nullable HtmlInput findUserCodeInput(HtmlPage page) {
		return page.getForms()
			.stream()
			.flatMap((form) -> form.getInputsByName(USER_CODE).stream())
			.filter((input) -> !"hidden".equalsIgnoreCase(input.getTypeAttribute()))
			.findFirst()
			.orElse(null);
	}

	private static boolean isLoopback(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		return "localhost".equalsIgnoreCase(bare) || bare.startsWith("127.") || "::1".equals(bare)
				|| "0:0:0:0:0:0:0:1".equals(bare);
	}

	private static boolean sameOrigin(URL url, URI uri) {
		return origin(toUri(url)).equals(origin(uri));
	}

	private static boolean sameOrigin(URI first, URI second) {
		return origin(first).equals(origin(second));
	}

	private static String origin(URI uri) {
		int port = (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
		return uri.getScheme() + "://" + uri.getHost() + ":" + port;
	}

	private static String lastVisited(List<URI> visited, URI start) {
		synchronized (visited) {
			return withoutQuery(visited.isEmpty() ? start : visited.get(visited.size() - 1));
		}
	}

	private static String withoutQuery(URL url) {
		return withoutQuery(toUri(url));
	}

	private static String withoutQuery(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority() + ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

	private static URI toUri(URL url) {
		try {
			return url.toURI();
		}
		catch (URISyntaxException ex) {
			return URI.create(url.toExternalForm());
		}
	}

	private record Journey(VisitedPage page, boolean codeEntered, URI server) {
	}

	/**
	 * A page the scripted browser loaded.
	 *
	 * @param url the page's URL, query included
	 * @param statusCode the HTTP status code
	 * @param content the response body as received
	 * @param text the visible text of an HTML page, otherwise the body
	 */
	public record VisitedPage(URI url, int statusCode, String content, String text) {

		static VisitedPage of(Page page) {
			WebResponse response = page.getWebResponse();
			String content = Objects.requireNonNullElse(response.getContentAsString(), "");
			String text = (page instanceof HtmlPage html) ? html.asNormalizedText() : content;
			return new VisitedPage(toUri(page.getUrl()), response.getStatusCode(), content, text);
		}

		String describe() {
			String summary = this.text.strip().replaceAll("\\s+", " ");
			if (summary.length() > 200) {
				summary = summary.substring(0, 200) + "...";
			}
			return withoutQuery(this.url) + " (HTTP " + this.statusCode + "): " + summary;
		}

		@Override
		public String toString() {
			// The callback URL carries the authorization code: keep the query out.
			return "VisitedPage[url=" + withoutQuery(this.url) + ", statusCode=" + this.statusCode + "]";
		}

	}

}
