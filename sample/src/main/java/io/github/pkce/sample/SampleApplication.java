package io.github.pkce.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A command-line program that signs in with the browser: the starter's {@code auth}
 * commands plus {@code api get}, each usable as arguments
 * ({@code java -jar pkce-spring-boot-sample.jar auth login}, exiting with a status) or in
 * the interactive shell (no arguments, on a terminal).
 * <p>
 * Pointed at an identity provider with {@code auth.pkce.issuer-uri} and
 * {@code auth.pkce.client-id} (command-line arguments such as
 * {@code --auth.pkce.client-id=my-cli}, environment variables such as
 * {@code AUTH_PKCE_CLIENT_ID}, or a configuration file). With {@code --demo}, or as
 * {@code demo}, it runs against an embedded demo identity provider instead; see
 * {@link DemoMode}.
 *
 * @author pkce-spring-boot
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SampleApplication {

	/**
	 * Runs one command, or the interactive shell, and exits with its status: 0 when it
	 * succeeded, 1 when it failed, 2 when it was not understood.
	 * @param args the command and its options, Spring Boot properties
	 * ({@code --name=value}), {@code --demo} and {@code --auto-sign-in}
	 */
	public static void main(String[] args) {
		// end with System.exit: a keyring over D-Bus may leave non-daemon threads behind
		System.exit(run(args));
	}

	/**
	 * Runs one command, or the interactive shell.
	 * @param args the command line
	 * @return the exit status
	 */
	static int run(String... args) {
		SampleArguments arguments = SampleArguments.parse(args);
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addInitializers(new DemoMode());
		if (arguments.isDemo()) {
			application.setAdditionalProfiles(DemoMode.PROFILE);
		}
		try {
			return SpringApplication.exit(application.run(arguments.springArguments()));
		}
		catch (RuntimeException ex) {
			// Spring Boot has reported why the program could not start
			return 1;
		}
	}

}
