/**
 * Spring Boot auto-configuration: {@code auth.pkce.*} properties turned into replaceable
 * beans.
 */
@NullMarked
package io.github.pkce.autoconfigure;

import org.jspecify.annotations.NullMarked;
