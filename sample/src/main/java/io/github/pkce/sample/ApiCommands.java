package io.github.pkce.sample;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.annotation.Argument;
import org.springframework.shell.core.command.annotation.Command;
import org.springframework.stereotype.Component;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The {@code api get} command: a GET request through the {@link RestClient} built from
 * the auto-configured {@link RestClient.Builder}, which carries the access token to the
 * origin of {@code auth.pkce.endpoint} only (the starter's customizer sees to that), as
 * {@code gh api} does for GitHub.
 *
 * @author pkce-spring-boot
 */
@Component
public final class ApiCommands {

	static final String GROUP = "API";

	private final RestClient restClient;

	private final @Nullable URI endpoint;

	ApiCommands(RestClient.Builder restClientBuilder, Environment environment) {
		this.restClient = restClientBuilder.build();
		String endpoint = environment.getProperty("auth.pkce.endpoint");
		this.endpoint = StringUtils.hasText(endpoint) ? URI.create(endpoint) : null;
	}

	/**
	 * Sends a GET request and prints the status line, then the body. Fails after printing
	 * them when the status is not 2xx.
	 * @param url an absolute URL, or a path resolved against {@code auth.pkce.endpoint}
	 * @param context the command context
	 */
	@Command(name = { "api", "get" }, group = GROUP,
			description = "GET a URL (or a path of auth.pkce.endpoint) and print the status and the body; "
					+ "the access token goes to auth.pkce.endpoint only")
	public void get(@Argument(index = 0, description = "URL, or a path such as /api/me") String url,
			CommandContext context) {
		get(resolve(url), context.outputWriter());
	}

	/**
	 * Sends a GET request and prints the status line, then the body.
	 * @param uri the absolute URI
	 * @param out where to print
	 * @throws ApiException when the status is not 2xx
	 */
	void get(URI uri, PrintWriter out) {
		Response response;
		try {
			response = this.restClient.get()
				.uri(uri)
				.exchange((request, exchange) -> new Response(exchange.getStatusCode(), exchange.getStatusText(),
						StreamUtils.copyToString(exchange.getBody(), charset(exchange.getHeaders().getContentType()))));
		}
		catch (ResourceAccessException ex) {
			throw new ApiException("Could not GET " + uri + ": " + describe(ex.getCause()), ex);
		}
		if (response == null) {
			throw new ApiException("GET " + uri + " gave no response");
		}
		out.println("HTTP " + response.status().value() + " " + response.reason());
		if (!response.body().isEmpty()) {
			out.println(response.body().stripTrailing());
		}
		out.flush();
		if (!response.status().is2xxSuccessful()) {
			throw new ApiException("GET " + uri + " answered HTTP " + response.status().value() + " "
					+ response.reason() + ((response.status().value() == 401)
							? "; run 'auth status' to see whether you are signed in, and for which endpoint" : ""));
		}
	}

	private URI resolve(@Nullable String url) {
		if (!StringUtils.hasText(url)) {
			throw new IllegalArgumentException("Give the URL to GET, for example: api get https://api.example.com/me");
		}
		URI uri = URI.create(url.trim());
		if (uri.isAbsolute()) {
			return uri;
		}
		if (this.endpoint == null) {
			throw new IllegalArgumentException("'" + url
					+ "' is not an absolute URL, and no auth.pkce.endpoint is configured to resolve it against");
		}
		return this.endpoint.resolve(uri);
	}

	private static String describe(@Nullable Throwable failure) {
		if (failure instanceof ConnectException) {
			return "could not connect";
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (StringUtils.hasText(cause.getMessage())) {
				return cause.getMessage();
			}
		}
		return (failure != null) ? failure.getClass().getSimpleName() : "no response";
	}

	private static Charset charset(@Nullable MediaType contentType) {
		return (contentType != null && contentType.getCharset() != null) ? contentType.getCharset()
				: StandardCharsets.UTF_8;
	}

	private record Response(HttpStatusCode status, String reason, String body) {
	}

	/**
	 * Thrown when the server answered with a status other than 2xx.
	 */
	static final class ApiException extends RuntimeException {

		ApiException(String message) {
			super(message);
		}

		ApiException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
