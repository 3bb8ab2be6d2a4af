/**
 * A command-line program that signs in with the browser, and a demo identity provider to
 * try it against.
 */
@NullMarked
package io.github.pkce.sample;

import org.jspecify.annotations.NullMarked;
