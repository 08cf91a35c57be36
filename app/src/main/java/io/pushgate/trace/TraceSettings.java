package io.pushgate.trace;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [trace] section (docs/operations.md). */
public record TraceSettings(int retentionMinutes, int maxCalls) {
    public static final ConfigSection SECTION = new ConfigSection("trace",
            "Per-call traces of calls for push-capable devices: why a phone did or did not ring (docs/operations.md).");
    static final ConfigKey<Integer> RETENTION = SECTION.integer("retention", 15, 1, 1440, "Minutes an ended call's trace is kept.");
    static final ConfigKey<Integer> MAX_CALLS = SECTION.integer("max-calls", 10000, 10, 1_000_000,
            "Traces kept at once, at most; beyond it the oldest goes (a trace is about 2 KB).");

    public static TraceSettings from(Config c) {
        return new TraceSettings(c.get(RETENTION), c.get(MAX_CALLS));
    }
}
