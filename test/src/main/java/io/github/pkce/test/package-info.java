/**
 * Test kit for end-to-end login tests: an embedded authorization server, a scripted
 * browser that signs in through its real login form, and
 * {@link io.github.pkce.test.EmbeddedAuthorizationServerTest} to give a test class both.
 */
@NullMarked
package io.github.pkce.test;

import org.jspecify.annotations.NullMarked;
