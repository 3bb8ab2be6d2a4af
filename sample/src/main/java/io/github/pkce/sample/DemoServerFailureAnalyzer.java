package io.github.pkce.sample;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a demo identity provider that could not start, with what to do about it.
 *
 * @author pkce-spring-boot
 */
final class DemoServerFailureAnalyzer extends AbstractFailureAnalyzer<DemoServerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DemoServerException cause) {
		String action = (cause.getPort() != 0) ? "Free port " + cause.getPort() + ", or choose another with --"
				+ DemoMode.PORT + "=N (0 picks a free one)." : "Check that the loopback interface is usable.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
