package io.pushgate.routing;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [router] section: how requests are forwarded. */
public record RouterSettings(boolean recordRoute, int branchTimeoutSeconds, int nonInviteLingerMs) {
    public static final ConfigSection SECTION = new ConfigSection("router",
            "Proxy routing: local users by location lookup (parallel fork), other domains by relay.");
    static final ConfigKey<Boolean> RECORD_ROUTE = SECTION.bool("record-route", true,
            "Stay in the path of dialogs (INVITE, SUBSCRIBE, REFER) so in-dialog requests come through the proxy.");
    static final ConfigKey<Integer> BRANCH_TIMEOUT = SECTION.integer("branch-timeout", 30, 1, 600,
            "Seconds a forked branch may ring before it is cancelled (proxy timer C).");
    static final ConfigKey<Integer> NON_INVITE_LINGER = SECTION.integer("non-invite-linger-ms", 500, 64, 32000,
            "Milliseconds an answered non-INVITE transaction over UDP stays to answer retransmissions itself (a MESSAGE: 32000); its kept answer covers the rest of Timer J ([server] retransmission-memory-mb). Short: every young collection copies what lingers (docs/tuning.md).");

    public static RouterSettings from(Config c) {
        return new RouterSettings(c.get(RECORD_ROUTE), c.get(BRANCH_TIMEOUT), c.get(NON_INVITE_LINGER));
    }
}
