package io.github.pkce.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.google.api.client.auth.oauth2.Credential;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.javanet.NetHttpTransport;
import io.github.pkce.AuthorizationClient;
import io.github.pkce.http.BearerTokenInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;

/**
 * The refresh storm: many threads send a request at the same moment while the access
 * token has expired. For each library, counts the calls to a local token endpoint (which
 * answers after a fixed delay, standing in for the round trip) and measures the time from
 * the start signal until every thread has a new token on its request, over several
 * rounds, each with fresh state. A run fails (non-zero exit status) when pkce-spring-boot
 * calls the token endpoint other than exactly once in a round, or a thread of it gets no
 * new token.
 * <p>
 * Every thread goes through its library's request interceptor, as a program would:
 * {@code BearerTokenInterceptor}, Spring Security's
 * {@code OAuth2ClientHttpRequestInterceptor} (whose manager calls the
 * {@code RefreshTokenOAuth2AuthorizedClientProvider}), and google-oauth-client's
 * {@code Credential.intercept} (which calls {@code refreshToken()}).
 *
 * @author pkce-spring-boot
 */
public final class RefreshStorm {

	private static final byte[] NO_BODY = new byte[0];

	private static final String NEW_TOKEN_HEADER = "Bearer new-access-token-";

	private final Settings settings;

	private RefreshStorm(Settings settings) {
		this.settings = settings;
	}

	/**
	 * Runs the storm with options {@code --threads=64 --rounds=20 --warmup-rounds=5
	 * --warmup-refreshes=200 --delay-ms=20} (the defaults) and exits with status 1 when
	 * pkce-spring-boot called the token endpoint more than once in a round.
	 * @param args the options
	 * @throws Exception when the harness itself fails
	 */
	public static void main(String[] args) throws Exception {
		System.exit(run(Settings.parse(List.of(args)), System.out) ? 0 : 1);
	}

	/**
	 * Runs the storm and prints the figures.
	 * @param settings the settings
	 * @param out where the figures go
	 * @return whether pkce-spring-boot made exactly one token call in every round and
	 * served every thread
	 * @throws Exception when the harness itself fails
	 */
	static boolean run(Settings settings, PrintStream out) throws Exception {
		return new RefreshStorm(settings).run(out);
	}

	private boolean run(PrintStream out) throws Exception {
		out.printf(Locale.ROOT,
				"Refresh storm: %d threads, expired access token, token endpoint on 127.0.0.1 answering after %d ms;"
						+ " %d rounds after %d warm-up refreshes and %d warm-up rounds per library%n",
				this.settings.threads(), this.settings.delay().toMillis(), this.settings.rounds(),
				this.settings.warmupRefreshes(), this.settings.warmupRounds());
		ExecutorService pool = Executors.newFixedThreadPool(this.settings.threads());
		try (TokenEndpoint endpoint = TokenEndpoint.start(Duration.ZERO)) {
			List<Contender> contenders = contenders(endpoint.uri());
			// One storm makes one refresh for a single-flight library and 64 for another:
			// without this, some libraries would be measured with their refresh code
			// still
			// interpreted and others with it compiled.
			for (int i = 0; i < this.settings.warmupRefreshes(); i++) {
				for (Contender contender : contenders) {
					round(contender, endpoint, pool, 1);
				}
			}
			endpoint.delay(this.settings.delay());
			List<List<Round>> storms = new ArrayList<>();
			List<List<Round>> alone = new ArrayList<>();
			for (int i = 0; i < contenders.size(); i++) {
				storms.add(new ArrayList<>());
				alone.add(new ArrayList<>());
			}
			for (int round = 0; round < this.settings.warmupRounds() + this.settings.rounds(); round++) {
				// the libraries take turns, and a storm alternates with one caller alone,
				// so
				// that a slow moment of the machine hits all alike
				for (int i = 0; i < contenders.size(); i++) {
					Round storm = round(contenders.get(i), endpoint, pool, this.settings.threads());
					Round single = round(contenders.get(i), endpoint, pool, 1);
					if (round >= this.settings.warmupRounds()) {
						storms.get(i).add(storm);
						alone.get(i).add(single);
					}
				}
			}
			if (endpoint.rejectedCount() > 0) {
				throw new IllegalStateException(endpoint.rejectedCount() + " token requests were not refresh grants");
			}
			return report(out, contenders, storms, alone);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static Round round(Contender contender, TokenEndpoint endpoint, ExecutorService pool, int threads)
			throws Exception {
		Caller[] callers = contender.prepare(threads);
		endpoint.takeRequestCount();
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch start = new CountDownLatch(1);
		long[] done = new long[threads];
		String[] headers = new String[threads];
		Exception[] errors = new Exception[threads];
		List<Future<?>> futures = new ArrayList<>(threads);
		for (int i = 0; i < threads; i++) {
			int index = i;
			futures.add(pool.submit(() -> {
				ready.countDown();
				start.await();
				try {
					headers[index] = callers[index].call();
				}
				catch (Exception ex) {
					errors[index] = ex;
				}
				finally {
					done[index] = System.nanoTime();
				}
				return null;
			}));
		}
		ready.await();
		long started = System.nanoTime();
		start.countDown();
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		int failures = 0;
		String firstError = null;
		for (int i = 0; i < threads; i++) {
			if (headers[i] == null || !headers[i].startsWith(NEW_TOKEN_HEADER)) {
				failures++;
				if (firstError == null) {
					firstError = (errors[i] != null) ? errors[i].toString() : "no new token on the request";
				}
			}
		}
		long first = Arrays.stream(done).min().orElse(started);
		long last = Arrays.stream(done).max().orElse(started);
		return new Round(endpoint.takeRequestCount(), first - started, last - started, failures, firstError);
	}

	private static List<Contender> contenders(URI tokenEndpoint) {
		AuthorizationClient pkceClient = Fixtures.pkceClient(tokenEndpoint);
		ClientRegistration registration = Fixtures.springRegistration(tokenEndpoint);
		OAuth2AuthorizedClientProvider springProvider = Fixtures.springProvider();
		NetHttpTransport transport = new NetHttpTransport();
		return List.of(new Contender("pkce-spring-boot", (threads) -> {
			BearerTokenInterceptor interceptor = Fixtures
				.pkceInterceptor(Fixtures.pkceAuthenticator(pkceClient, Fixtures.EXPIRED_ACCESS_TOKEN, expired()));
			return callers(threads, () -> {
				CannedRequest request = new CannedRequest(Fixtures.API_REQUEST);
				return () -> {
					interceptor.intercept(request, NO_BODY, CannedResponse.EXECUTION);
					return request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
				};
			});
		}), new Contender("Spring Security", (threads) -> {
			OAuth2ClientHttpRequestInterceptor interceptor = Fixtures.springInterceptor(registration, springProvider,
					Fixtures.EXPIRED_ACCESS_TOKEN, expired());
			return callers(threads, () -> {
				CannedRequest request = new CannedRequest(Fixtures.API_REQUEST);
				return () -> {
					interceptor.intercept(request, NO_BODY, CannedResponse.EXECUTION);
					return request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
				};
			});
		}), new Contender("google-oauth-client", (threads) -> {
			Credential credential = Fixtures.googleCredential(transport, tokenEndpoint, Fixtures.EXPIRED_ACCESS_TOKEN,
					expired());
			return callers(threads, () -> {
				HttpRequest request = Fixtures.googleRequest();
				return () -> {
					credential.intercept(request);
					return request.getHeaders().getAuthorization();
				};
			});
		}));
	}

	private static Instant expired() {
		return Instant.now().minusSeconds(60);
	}

	private static Caller[] callers(int threads, Supplier<Caller> perThread) {
		Caller[] callers = new Caller[threads];
		for (int i = 0; i < threads; i++) {
			callers[i] = perThread.get();
		}
		return callers;
	}

	private boolean report(PrintStream out, List<Contender> contenders, List<List<Round>> storms,
			List<List<Round>> alone) {
		out.printf(Locale.ROOT, "%-20s %14s %44s %13s %9s%n", "", "token calls",
				"time until every thread has a token (ms)", "1st thread", "1 thread");
		out.printf(Locale.ROOT, "%-20s %7s %6s %11s %10s %10s %10s %13s %9s %9s%n", "library", "median", "max",
				"median", "p90", "max", "min", "median", "alone", "failures");
		for (int i = 0; i < contenders.size(); i++) {
			List<Round> rounds = storms.get(i);
			double[] calls = rounds.stream().mapToDouble(Round::calls).sorted().toArray();
			double[] millis = rounds.stream().mapToDouble(Round::millis).sorted().toArray();
			double[] firstMillis = rounds.stream().mapToDouble(Round::firstMillis).sorted().toArray();
			double[] aloneMillis = alone.get(i).stream().mapToDouble(Round::millis).sorted().toArray();
			int failures = rounds.stream().mapToInt(Round::failures).sum();
			out.printf(Locale.ROOT, "%-20s %7.0f %6.0f %11.1f %10.1f %10.1f %10.1f %13.1f %9.1f %9d%n",
					contenders.get(i).name(), median(calls), calls[calls.length - 1], median(millis),
					percentile(millis, 0.9), millis[millis.length - 1], millis[0], median(firstMillis),
					median(aloneMillis), failures);
			rounds.stream()
				.map(Round::firstError)
				.filter((error) -> error != null)
				.findFirst()
				.ifPresent((error) -> out.println("    first failure: " + error));
		}
		List<Round> ours = storms.get(0);
		boolean single = ours.stream().allMatch((round) -> round.calls() == 1);
		boolean served = ours.stream().allMatch((round) -> round.failures() == 0);
		double[] oursMillis = ours.stream().mapToDouble(Round::millis).sorted().toArray();
		double roundTrip = median(alone.get(0).stream().mapToDouble(Round::millis).sorted().toArray());
		double budget = roundTrip + 5;
		out.printf(Locale.ROOT, "pkce-spring-boot token-endpoint calls: exactly 1 in every round (target): %s%n",
				single ? "met" : "MISSED");
		out.printf(Locale.ROOT,
				"pkce-spring-boot time until all %d threads have a token: median %.1f ms, max %.1f ms;"
						+ " target one round trip (%.1f ms alone) + 5 ms = %.1f ms: median %s, max %s%n",
				this.settings.threads(), median(oursMillis), oursMillis[oursMillis.length - 1], roundTrip, budget,
				(median(oursMillis) <= budget) ? "met" : "missed",
				(oursMillis[oursMillis.length - 1] <= budget) ? "met" : "missed");
		if (!single || !served) {
			out.println("FAILED: pkce-spring-boot "
					+ (!single ? "called the token endpoint other than exactly once in a round"
							: "left a thread without a new token"));
		}
		return single && served;
	}

	private static double median(double[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static double percentile(double[] sorted, double fraction) {
		int index = (int) Math.ceil(fraction * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	/**
	 * How a storm is run.
	 *
	 * @param threads the number of threads that want a token at the same moment
	 * @param rounds the number of measured rounds
	 * @param warmupRounds the number of rounds run first and not counted
	 * @param warmupRefreshes the number of refreshes by one caller, with no delay, that
	 * each library makes first so that its refresh code is compiled
	 * @param delay how long the token endpoint takes to answer
	 */
	record Settings(int threads, int rounds, int warmupRounds, int warmupRefreshes, Duration delay) {

		static final Settings DEFAULTS = new Settings(64, 20, 5, 200, Duration.ofMillis(20));

		Settings {
			if (threads < 1 || rounds < 1 || warmupRounds < 0 || warmupRefreshes < 0 || delay.isNegative()) {
				throw new IllegalArgumentException(
						"threads and rounds must be positive, warm-up rounds, warm-up refreshes and delay not negative");
			}
		}

		static boolean isOption(String argument) {
			return argument.startsWith("--threads=") || argument.startsWith("--rounds=")
					|| argument.startsWith("--warmup-rounds=") || argument.startsWith("--warmup-refreshes=")
					|| argument.startsWith("--delay-ms=");
		}

		static Settings parse(List<String> arguments) {
			Settings settings = DEFAULTS;
			for (String argument : arguments) {
				if (!isOption(argument)) {
					throw new IllegalArgumentException("Unknown option '" + argument
							+ "'; use --threads=N, --rounds=N, --warmup-rounds=N, --warmup-refreshes=N or --delay-ms=N");
				}
				int value = Integer.parseInt(argument.substring(argument.indexOf('=') + 1));
				Settings current = settings;
				settings = switch (argument.substring(0, argument.indexOf('='))) {
					case "--threads" -> new Settings(value, current.rounds(), current.warmupRounds(),
							current.warmupRefreshes(), current.delay());
					case "--rounds" -> new Settings(current.threads(), value, current.warmupRounds(),
							current.warmupRefreshes(), current.delay());
					case "--warmup-rounds" -> new Settings(current.threads(), current.rounds(), value,
							current.warmupRefreshes(), current.delay());
					case "--warmup-refreshes" -> new Settings(current.threads(), current.rounds(),
							current.warmupRounds(), value, current.delay());
					default -> new Settings(current.threads(), current.rounds(), current.warmupRounds(),
							current.warmupRefreshes(), Duration.ofMillis(value));
				};
			}
			return settings;
		}

	}

	/**
	 * One thread's work: put a token on its request and return the header.
	 */
	@FunctionalInterface
	private interface Caller {

		String call() throws Exception;

	}

	/**
	 * A library under test.
	 *
	 * @param name its name in the figures
	 * @param preparation builds fresh state with an expired token and one caller per
	 * thread
	 */
	private record Contender(String name, Preparation preparation) {

		Caller[] prepare(int threads) throws IOException {
			return this.preparation.prepare(threads);
		}

	}

	@FunctionalInterface
	private interface Preparation {

		Caller[] prepare(int threads) throws IOException;

	}

	/**
	 * The outcome of one round.
	 *
	 * @param calls the token-endpoint calls
	 * @param firstNanos the time from the start signal until the first thread had its
	 * token
	 * @param nanos the time from the start signal until the last thread had its token
	 * @param failures the threads that got no new token
	 * @param firstError what went wrong for the first of them, or {@code null}
	 */
	private record Round(int calls, long firstNanos, long nanos, int failures, @Nullable String firstError) {

		double millis() {
			return this.nanos / 1_000_000.0;
		}

		double firstMillis() {
			return this.firstNanos / 1_000_000.0;
		}

	}

}
