/**
 * Implementation details; not an API, may change in any release.
 */
@NullMarked
package io.github.pkce.internal;

import org.jspecify.annotations.NullMarked;
