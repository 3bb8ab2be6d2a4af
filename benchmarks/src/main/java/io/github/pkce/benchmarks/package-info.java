/**
 * Benchmarks that compare the token handling of pkce-spring-boot with Spring Security's
 * and google-oauth-client's: the per-request cost with a valid token, and a refresh
 * storm.
 */
@NullMarked
package io.github.pkce.benchmarks;

import org.jspecify.annotations.NullMarked;
