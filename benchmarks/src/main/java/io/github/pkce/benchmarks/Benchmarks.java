package io.github.pkce.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the token-handling benchmarks and prints the figures: {@link HotPathBenchmark}
 * (JMH) with the ratios of our time per request to each peer's (bearer tokens; the DPoP
 * row has no peer and is shown against our bearer row), then the {@link RefreshStorm}; on
 * request, {@link DpopProofBenchmark} (JMH).
 * <p>
 * Usage: {@code java -jar benchmarks.jar [hot-path | storm | dpop] [options]}. With no
 * command the hot path and the storm run. JMH options
 * ({@code -wi 3 -i 5 -f 1 -w 1s -r 1s} are the defaults; any option of
 * {@code java -jar benchmarks.jar -h}'s JMH list) go to the hot path and the DPoP
 * benchmark, and
 * {@code --threads=N --rounds=N --warmup-rounds=N --warmup-refreshes=N --delay-ms=N} to
 * the storm. The exit status is 1 when pkce-spring-boot made other than exactly one
 * token-endpoint call in a storm round.
 *
 * @author pkce-spring-boot
 */
public final class Benchmarks {

	private static final String OURS = "pkce";

	private static final String OURS_DPOP = "pkceDpop";

	private static final Map<String, String> CONTENDERS = new LinkedHashMap<>();

	private static final Map<String, String> REFERENCES = new LinkedHashMap<>();

	private static final Map<String, String> HOT_PATH_DPOP = new LinkedHashMap<>();

	private static final Map<String, String> DPOP = new LinkedHashMap<>();

	private static final Map<String, String> DPOP_REFERENCES = new LinkedHashMap<>();

	/** The least each contender must do: write the header into its library's headers. */
	private static final Map<String, String> FLOORS = Map.of(OURS, "springHeaderWrite", "springSecurity",
			"springHeaderWrite", "googleOAuthClient", "googleHeaderWrite");

	static {
		CONTENDERS.put(OURS, "pkce-spring-boot     BearerTokenInterceptor");
		CONTENDERS.put("springSecurity", "Spring Security      OAuth2ClientHttpRequestInterceptor");
		CONTENDERS.put("googleOAuthClient", "google-oauth-client  Credential.intercept");
		HOT_PATH_DPOP.put(OURS_DPOP, "pkce-spring-boot     same, DPoP-bound token (+ ES256 proof)");
		REFERENCES.put("pkceCredentials", "reference: PkceAuthenticator.credentials() alone");
		REFERENCES.put("springHeaderWrite", "reference: Spring HttpHeaders.set(Authorization, Bearer+token)");
		REFERENCES.put("googleHeaderWrite", "reference: google HttpHeaders.setAuthorization(Bearer+token)");
		DPOP.put("resourceRequest", "DpopProofs.create, resource request (GET, ath)");
		DPOP.put("tokenRequest", "DpopProofs.create, token request (POST, no ath)");
		DPOP_REFERENCES.put("nimbusSignedJwt", "reference: the same with a header built and encoded per proof (ath)");
		DPOP_REFERENCES.put("es256Signature", "reference: ES256 signature alone (nimbus ECDSASigner)");
		DPOP_REFERENCES.put("jti", "reference: jti alone (16 bytes of SecureRandom, base64url)");
	}

	private Benchmarks() {
	}

	/**
	 * Runs the benchmarks.
	 * @param args {@code hot-path}, {@code storm} or {@code dpop} (the first two when
	 * absent), then options
	 * @throws Exception when a benchmark cannot run
	 */
	public static void main(String[] args) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(args));
		String command = (!arguments.isEmpty() && !arguments.get(0).startsWith("-")) ? arguments.remove(0) : "all";
		if (!List.of("all", "hot-path", "storm", "dpop").contains(command)) {
			System.err
				.println("Unknown command '" + command + "'; use hot-path, storm, dpop, or none for the first two.");
			System.exit(2);
		}
		List<String> stormArguments = arguments.stream().filter(RefreshStorm.Settings::isOption).toList();
		String[] jmhArguments = arguments.stream()
			.filter((argument) -> !RefreshStorm.Settings.isOption(argument))
			.toArray(String[]::new);
		CommandLineOptions commandLine;
		try {
			commandLine = new CommandLineOptions(jmhArguments);
		}
		catch (CommandLineOptionException ex) {
			System.err.println(ex.getMessage() + "; see -h");
			System.exit(2);
			return;
		}
		if (commandLine.shouldHelp()) {
			System.out
				.println("Usage: java -jar benchmarks.jar [hot-path | storm | dpop] [JMH options] [storm options]");
			System.out.println(
					"Storm options: --threads=N (64) --rounds=N (20) --warmup-rounds=N (5) --warmup-refreshes=N (200)"
							+ " --delay-ms=N (20)");
			System.out.println("JMH options (defaults -wi 3 -w 1s -i 5 -r 1s -f 1):");
			commandLine.showHelp();
			return;
		}
		if (command.equals("dpop")) {
			dpop(commandLine, System.out);
			System.exit(0);
		}
		boolean passed = true;
		if (!command.equals("storm")) {
			hotPath(commandLine, System.out);
			System.out.println();
		}
		if (!command.equals("hot-path")) {
			passed = RefreshStorm.run(RefreshStorm.Settings.parse(stormArguments), System.out);
		}
		System.exit(passed ? 0 : 1);
	}

	private static void hotPath(CommandLineOptions commandLine, PrintStream out) throws Exception {
		report(run(HotPathBenchmark.class, commandLine), out);
	}

	private static void dpop(CommandLineOptions commandLine, PrintStream out) throws Exception {
		Map<String, RunResult> byMethod = byMethod(run(DpopProofBenchmark.class, commandLine));
		out.println("DPoP: creating one proof (RFC 9449 section 4.2) with an EC P-256 key (lower is better)");
		out.printf(Locale.ROOT, "  %-64s %9s %18s%n", "", "median", "mean ± 99.9% error");
		print(DPOP, byMethod, out);
		print(DPOP_REFERENCES, byMethod, out);
		RunResult signature = byMethod.get("es256Signature");
		if (signature == null || signature.getParams().getMode() != Mode.AverageTime) {
			return;
		}
		out.println("  time above the ES256 signature alone (medians):");
		for (String name : List.of("resourceRequest", "tokenRequest", "nimbusSignedJwt")) {
			RunResult result = byMethod.get(name);
			if (result != null) {
				out.printf(Locale.ROOT, "    %-22s %8.1f %s%n", name, median(result) - median(signature),
						result.getPrimaryResult().getScoreUnit());
			}
		}
	}

	private static Collection<RunResult> run(Class<?> benchmark, CommandLineOptions commandLine) throws Exception {
		// the annotations on the benchmark class hold the defaults; the command line wins
		// over them
		Options options = new OptionsBuilder().parent(commandLine)
			.include(benchmark.getName())
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.build();
		return new Runner(options).run();
	}

	private static Map<String, RunResult> byMethod(Collection<RunResult> results) {
		Map<String, RunResult> byMethod = new LinkedHashMap<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			byMethod.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result);
		}
		return byMethod;
	}

	private static void report(Collection<RunResult> results, PrintStream out) {
		Map<String, RunResult> byMethod = byMethod(results);
		out.println("Hot path: putting a valid access token on one request, through each library's interceptor"
				+ " (no I/O; lower is better)");
		out.printf(Locale.ROOT, "  %-64s %9s %18s%n", "", "median", "mean ± 99.9% error");
		print(CONTENDERS, byMethod, out);
		print(HOT_PATH_DPOP, byMethod, out);
		print(REFERENCES, byMethod, out);
		RunResult ours = byMethod.get(OURS);
		if (ours == null) {
			return;
		}
		RunResult oursDpop = byMethod.get(OURS_DPOP);
		if (oursDpop != null && ours.getParams().getMode() == Mode.AverageTime) {
			// the peers have no DPoP: the row is compared with our bearer row only
			out.printf(Locale.ROOT,
					"  DPoP-bound / bearer (medians): %.1f %s more per request, the proof"
							+ " (java -jar benchmarks.jar dpop breaks it down)%n",
					median(oursDpop) - median(ours), ours.getPrimaryResult().getScoreUnit());
		}
		for (Map.Entry<String, String> name : CONTENDERS.entrySet()) {
			RunResult peer = byMethod.get(name.getKey());
			if (peer != null && !name.getKey().equals(OURS)) {
				double ratio = timeRatio(ours, peer);
				out.printf(Locale.ROOT,
						"  time per request (medians), ours / %-21s %5.2f   (target at most 0.50: %s)%n",
						library(name.getValue()) + ":", ratio, (ratio <= 0.5) ? "met" : "missed");
			}
		}
		if (ours.getParams().getMode() != Mode.AverageTime) {
			return;
		}
		out.println("  time above writing the header into the library's own headers (medians, the reference rows):");
		for (Map.Entry<String, String> name : CONTENDERS.entrySet()) {
			RunResult contender = byMethod.get(name.getKey());
			RunResult floor = byMethod.get(FLOORS.get(name.getKey()));
			if (contender != null && floor != null) {
				out.printf(Locale.ROOT, "    %-22s %8.1f %s%n", library(name.getValue()),
						median(contender) - median(floor), contender.getPrimaryResult().getScoreUnit());
			}
		}
	}

	private static void print(Map<String, String> names, Map<String, RunResult> byMethod, PrintStream out) {
		for (Map.Entry<String, String> name : names.entrySet()) {
			RunResult result = byMethod.get(name.getKey());
			if (result != null) {
				Result<?> primary = result.getPrimaryResult();
				Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
				out.printf(Locale.ROOT, "  %-64s %9.1f %9.1f ± %6.1f %-7s %s%n", name.getValue(), median(result),
						primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
						(allocation != null) ? String.format(Locale.ROOT, "%5.0f B/op", allocation.getScore()) : "");
			}
		}
	}

	/**
	 * The median of the measurement iterations: on a shared machine one iteration
	 * disturbed by another process moves the mean, not the median.
	 */
	private static double median(RunResult result) {
		return result.getPrimaryResult().getStatistics().getPercentile(50);
	}

	private static String library(String name) {
		return name.substring(0, name.indexOf("  "));
	}

	/**
	 * Our time per operation divided by the peer's (medians), whatever the benchmark
	 * mode.
	 */
	private static double timeRatio(RunResult ours, RunResult peer) {
		double ratio = median(ours) / median(peer);
		return (ours.getParams().getMode() == Mode.Throughput) ? 1 / ratio : ratio;
	}

}
