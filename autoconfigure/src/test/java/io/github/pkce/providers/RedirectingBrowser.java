package io.github.pkce.providers;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.pkce.browser.BrowserLauncher;

/**
 * A browser standing in for the user at the provider: it reads the authorization request
 * the program opens and sends the redirect the provider would send to the loopback
 * callback, built by the test from the request (its {@code state}, its {@code nonce}).
 */
final class RedirectingBrowser implements BrowserLauncher {

	private final Function<Map<String, String>, String> callbackQuery;

	final List<URI> opened = new CopyOnWriteArrayList<>();

	final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

	final List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();

	/**
	 * Creates a browser.
	 * @param callbackQuery from the authorization request's parameters to the raw query
	 * of the redirect
	 */
	RedirectingBrowser(Function<Map<String, String>, String> callbackQuery) {
		this.callbackQuery = callbackQuery;
	}

	@Override
	public boolean open(URI uri) {
		this.opened.add(uri);
		Map<String, String> parameters = parse(uri.getRawQuery());
		this.requests.add(parameters);
		URI callback = URI.create(parameters.get("redirect_uri") + "?" + this.callbackQuery.apply(parameters));
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		try {
			this.responses
				.add(http.send(HttpRequest.newBuilder(callback).GET().build(), HttpResponse.BodyHandlers.ofString()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		return true;
	}

	/**
	 * Returns the last authorization request's parameters.
	 * @return the parameters
	 */
	Map<String, String> lastRequest() {
		return this.requests.get(this.requests.size() - 1);
	}

	static Map<String, String> parse(String rawQuery) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
