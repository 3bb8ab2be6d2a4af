/**
 * Opening the user's browser at the authorization request.
 */
@NullMarked
package io.github.pkce.browser;

import org.jspecify.annotations.NullMarked;
