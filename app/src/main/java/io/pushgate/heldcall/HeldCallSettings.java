package io.pushgate.heldcall;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [held-calls] section: calls waiting for a device, kept in the database across a crash. */
public record HeldCallSettings(boolean enabled, int sweepSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("held-calls",
            "Calls held open while a device wakes are kept in the database, so that when the server holding one dies its caller still gets a final answer (480) from the next start or from another server.");
    static final ConfigKey<Boolean> ENABLED = SECTION.bool("enabled", true,
            "Keep waiting calls in the database (two writes per call); off: a crash leaves their callers to time out.");
    static final ConfigKey<Integer> SWEEP = SECTION.integer("sweep-interval", 10, 1, 3600,
            "Seconds between looks for calls held by servers that are gone (PostgreSQL shared by several servers; with H2 only at start).");

    public static HeldCallSettings from(Config c) {
        return new HeldCallSettings(c.get(ENABLED), c.get(SWEEP));
    }
}
