/**
 * Spring Shell commands {@code auth login}, {@code auth logout}, {@code auth status} and
 * {@code auth token}, and their auto-configuration.
 */
@NullMarked
package io.github.pkce.shell;

import org.jspecify.annotations.NullMarked;
