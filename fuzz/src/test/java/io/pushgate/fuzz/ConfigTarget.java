package io.pushgate.fuzz;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.server.Modules;
import java.nio.charset.StandardCharsets;

/** A configuration file as an operator may mistype it: accepted, or refused with a ConfigException naming the key, nothing else. */
public final class ConfigTarget implements FuzzTarget {
    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        new ConfigTarget().run(data);
    }

    @Override
    public void run(byte[] input) {
        try {
            Modules.check(Config.parse(new String(input, StandardCharsets.UTF_8), Modules.sections()), warning -> {});
        } catch (ConfigException refused) {
            // the expected answer to a bad file
        }
    }
}
