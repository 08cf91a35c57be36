package io.pushgate.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A password for a CLI command: asked on the terminal without echo, else the first line of standard input; never an argument (it would show in ps). */
final class SecretInput {
    private SecretInput() {}

    /** The secret, or null when standard input ended first. */
    static String read(InputStream in, String prompt) throws IOException {
        if (System.console() != null && in == System.in) {
            char[] p = System.console().readPassword("%s: ", prompt);
            return p == null ? null : new String(p);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }
}
