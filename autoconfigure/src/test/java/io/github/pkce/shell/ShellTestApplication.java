package io.github.pkce.shell;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Shell program with the starter and nothing else, as a user would write it.
 */
@SpringBootApplication
class ShellTestApplication {

}
