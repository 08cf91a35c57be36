package io.pushgate.regevent;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [reg-event] section: subscriptions to the registration state of local users (RFC 3680). */
public record RegEventSettings(boolean enabled, int minExpires, int maxExpires, int defaultExpires, int maxSubscriptions) {
    public static final ConfigSection SECTION = new ConfigSection("reg-event",
            "SUBSCRIBE/NOTIFY for the registration state of local users (RFC 3680), for the users themselves and trusted application servers.");
    static final ConfigKey<Boolean> ENABLED = SECTION.bool("enabled", true,
            "Serve Event: reg in the registrar role; when off, SUBSCRIBE for local users gets 489 Bad Event.");
    static final ConfigKey<Integer> MIN_EXPIRES = SECTION.integer("min-expires", 30, 1, 86400,
            "Shortest subscription accepted; shorter gets 423 Interval Too Brief with Min-Expires.");
    static final ConfigKey<Integer> MAX_EXPIRES = SECTION.integer("max-expires", 3600, 1, 86400,
            "Longest subscription granted; longer requests are shortened to this.");
    static final ConfigKey<Integer> DEFAULT_EXPIRES = SECTION.integer("default-expires", 3600, 1, 86400,
            "Subscription length when the SUBSCRIBE gives no Expires.");
    static final ConfigKey<Integer> MAX_SUBSCRIPTIONS = SECTION.integer("max-subscriptions", 10_000, 1, 10_000_000,
            "Subscriptions held at once; beyond it new ones get 503.");

    public static RegEventSettings from(Config c) {
        RegEventSettings s = new RegEventSettings(c.get(ENABLED), c.get(MIN_EXPIRES), c.get(MAX_EXPIRES), c.get(DEFAULT_EXPIRES),
                c.get(MAX_SUBSCRIPTIONS));
        if (s.minExpires > s.maxExpires) throw new ConfigException(MIN_EXPIRES.qualifiedName(), "greater than reg-event.max-expires");
        return s;
    }
}
