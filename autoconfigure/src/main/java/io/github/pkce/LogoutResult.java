package io.github.pkce;

/**
 * What {@link PkceAuthenticator#logout()} did: the local credentials are always deleted;
 * the server-side revocation (RFC 7009) may or may not have happened.
 *
 * @param wasSignedIn whether there were credentials to delete
 * @param revoked whether the authorization server confirmed the revocation
 * @param message a sentence for the user saying what happened
 * @author pkce-spring-boot
 */
public record LogoutResult(boolean wasSignedIn, boolean revoked, String message) {

}
