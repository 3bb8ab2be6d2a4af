/**
 * {@code RestClient} integration: the access token on requests to the configured service,
 * and only there.
 */
@NullMarked
package io.github.pkce.http;

import org.jspecify.annotations.NullMarked;
