/**
 * Test kit for end-to-end login tests: an embedded authorization server and a scripted
 * browser that signs in through its real login form.
 */
@NullMarked
package io.github.pkce.test;

import org.jspecify.annotations.NullMarked;
