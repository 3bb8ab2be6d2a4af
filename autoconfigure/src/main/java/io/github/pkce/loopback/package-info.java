/**
 * The short-lived HTTP server on the loopback interface that receives the authorization
 * response (RFC 8252 section 7.3).
 */
@NullMarked
package io.github.pkce.loopback;

import org.jspecify.annotations.NullMarked;
