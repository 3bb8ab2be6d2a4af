/**
 * Spring configuration of the embedded authorization server; an implementation detail of
 * {@link io.github.pkce.test.EmbeddedAuthorizationServer}, not API.
 */
@NullMarked
package io.github.pkce.test.server;

import org.jspecify.annotations.NullMarked;
