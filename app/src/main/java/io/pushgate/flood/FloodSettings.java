package io.pushgate.flood;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.util.List;

/** The [flood] section: per-source request rate limiting, applied by the SIP stack before any transaction is made. */
public record FloodSettings(int rate, int burst, int blockSeconds, List<String> exempt, boolean exemptLoopback, int maxSources) {
    public static final ConfigSection SECTION = new ConfigSection("flood",
            "Per-source request rate limiting (as Kamailio's pike): a source sending faster is ignored for a while.");
    static final ConfigKey<Integer> RATE = SECTION.integer("rate", 200, 0, 1_000_000,
            "Requests per second one source address may send on average; 0 turns the limit off.");
    static final ConfigKey<Integer> BURST = SECTION.integer("burst", 400, 1, 10_000_000,
            "Requests one source may send at once above its rate (a phone re-registering all its lines after a network change).");
    static final ConfigKey<Integer> BLOCK = SECTION.integer("block-seconds", 60, 1, 86_400,
            "Seconds a source that went over its rate is ignored; its requests get no answer.");
    static final ConfigKey<List<String>> EXEMPT = SECTION.list("exempt", "",
            "Source addresses never limited (a backend, a push application server, a load balancer in front).");
    static final ConfigKey<Boolean> EXEMPT_LOOPBACK = SECTION.bool("exempt-loopback", true,
            "Never limit 127.0.0.0/8 and ::1.");
    static final ConfigKey<Integer> MAX_SOURCES = SECTION.integer("max-sources", 100_000, 100, 10_000_000,
            "Sources tracked at most; past that the idle ones are forgotten, and the rest count together as one.");

    public static FloodSettings from(Config c) {
        return new FloodSettings(c.get(RATE), c.get(BURST), c.get(BLOCK), c.get(EXEMPT), c.get(EXEMPT_LOOPBACK), c.get(MAX_SOURCES));
    }

    public boolean enabled() { return rate > 0; }
}
