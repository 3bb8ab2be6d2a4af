/**
 * Browser login for command-line and desktop programs: OAuth 2.0 authorization code with
 * PKCE (RFC 7636) over a loopback redirect (RFC 8252).
 */
@NullMarked
package io.github.pkce;

import org.jspecify.annotations.NullMarked;
