/**
 * DPoP (RFC 9449): the proof-of-possession key, the proof JWTs sent with each request,
 * and the server-provided nonces they carry.
 */
@NullMarked
package io.github.pkce.dpop;

import org.jspecify.annotations.NullMarked;
