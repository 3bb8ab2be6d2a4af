package io.github.pkce;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
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
 * A browser that does not sign in anywhere: it reads the authorization request and sends
 * a crafted redirect to the loopback callback, for responses a real server will not
 * produce on demand.
 */
final class CraftedCallbackBrowser implements BrowserLauncher {

	private final Function<Map<String, String>, List<String>> callbackQueries;

	final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

	final List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();

	/**
	 * Creates a browser.
	 * @param callbackQueries from the authorization request's parameters to the raw
	 * queries of the callbacks to send, in order
	 */
	CraftedCallbackBrowser(Function<Map<String, String>, List<String>> callbackQueries) {
		this.callbackQueries = callbackQueries;
	}

	@Override
	public boolean open(URI uri) {
		Map<String, String> parameters = parse(uri.getRawQuery());
		this.requests.add(parameters);
		// Redirects followed, as a browser does after the accepted response.
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
		for (String query : this.callbackQueries.apply(parameters)) {
			URI callback = URI.create(parameters.get("redirect_uri") + "?" + query);
			try {
				this.responses.add(http.send(HttpRequest.newBuilder(callback).GET().build(),
						HttpResponse.BodyHandlers.ofString()));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
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
		return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
