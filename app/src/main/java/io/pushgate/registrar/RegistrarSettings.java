package io.pushgate.registrar;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [registrar] section. */
public record RegistrarSettings(int minExpires, int maxExpires, int defaultExpires, int maxContacts, boolean natRewrite,
                                int purgeIntervalSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("registrar",
            "Bindings of local users (RFC 3261 section 10), stored in the database.");
    static final ConfigKey<Integer> MIN_EXPIRES = SECTION.integer("min-expires", 60, 1, 86400,
            "Shortest registration accepted; shorter gets 423 Interval Too Brief with Min-Expires.");
    static final ConfigKey<Integer> MAX_EXPIRES = SECTION.integer("max-expires", 86400, 1, 31_536_000,
            "Longest registration granted; longer requests are shortened to this.");
    static final ConfigKey<Integer> DEFAULT_EXPIRES = SECTION.integer("default-expires", 3600, 1, 31_536_000,
            "Expiry when the REGISTER gives none.");
    static final ConfigKey<Integer> MAX_CONTACTS = SECTION.integer("max-contacts", 10, 1, 1000,
            "Bindings kept per address-of-record; beyond it the least recently refreshed is dropped.");
    static final ConfigKey<Boolean> NAT_REWRITE = SECTION.bool("nat-rewrite", true,
            "Replace the contact's host and port by the observed source address when they differ (received/rport).");
    static final ConfigKey<Integer> PURGE_INTERVAL = SECTION.integer("purge-interval", 30, 1, 3600,
            "Seconds between sweeps that delete expired bindings from memory and database.");

    /** The Min-Expires to answer 423 with when a contact asks for a non-zero expiry below it; 0 when none does. */
    public int tooBrief(RegisterRequest r) {
        for (RegisterRequest.Contact c : r.contacts()) {
            int asked = r.askedExpiry(c, defaultExpires);
            if (asked > 0 && asked < minExpires) return minExpires;
        }
        return 0;
    }

    /** The expiry granted to a contact: what it asks for, no longer than max-expires (0 removes it). */
    public int granted(RegisterRequest r, RegisterRequest.Contact c) {
        return Math.min(r.askedExpiry(c, defaultExpires), maxExpires);
    }

    public static RegistrarSettings from(Config c) {
        RegistrarSettings s = new RegistrarSettings(c.get(MIN_EXPIRES), c.get(MAX_EXPIRES), c.get(DEFAULT_EXPIRES),
                c.get(MAX_CONTACTS), c.get(NAT_REWRITE), c.get(PURGE_INTERVAL));
        if (s.minExpires > s.maxExpires) throw new ConfigException(MIN_EXPIRES.qualifiedName(), "greater than registrar.max-expires");
        return s;
    }
}
