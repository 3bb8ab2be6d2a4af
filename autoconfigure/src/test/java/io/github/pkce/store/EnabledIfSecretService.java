package io.github.pkce.store;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test only when a real system keyring works here (on Linux, a Secret Service on
 * the session bus); otherwise the test is reported as skipped, with the reason. With the
 * environment variable {@code PKCE_REQUIRE_KEYRING_TESTS=true} (for CI), a missing
 * keyring fails the test instead.
 *
 * @author pkce-spring-boot
 * @see SecretServiceCondition
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SecretServiceCondition.class)
@interface EnabledIfSecretService {

}
