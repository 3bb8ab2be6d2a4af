package io.github.pkce.store;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test against the real system keyring only when the environment variable
 * {@code PKCE_REQUIRE_KEYRING_TESTS=true} (set by {@code .ci/run} inside its own D-Bus
 * session), so a developer's build never writes into their login keyring; then a keyring
 * that does not work fails the test. Otherwise the test is skipped, with the reason.
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
