package io.pushgate.metrics;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [metrics] section (docs/operations.md). */
public record MetricsSettings(boolean requireKey) {
    public static final ConfigSection SECTION = new ConfigSection("metrics",
            "Prometheus metrics at /metrics on the management listener (docs/operations.md).");
    static final ConfigKey<Boolean> REQUIRE_KEY = SECTION.bool("require-key", false,
            "Ask for an API key (read scope) on /metrics; off, as Prometheus scrapes expect on a loopback listener.");

    public static MetricsSettings from(Config c) {
        return new MetricsSettings(c.get(REQUIRE_KEY));
    }
}
