/**
 * Where credentials are kept between runs.
 */
@NullMarked
package io.github.pkce.store;

import org.jspecify.annotations.NullMarked;
