package io.pushgate.routing;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [router] section: how requests are forwarded. */
public record RouterSettings(boolean recordRoute, int branchTimeoutSeconds, int webSocketCallerTtlSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("router",
            "Proxy routing: local users by location lookup (parallel fork), other domains by relay.");
    static final ConfigKey<Boolean> RECORD_ROUTE = SECTION.bool("record-route", true,
            "Stay in the path of dialogs (INVITE, SUBSCRIBE, REFER) so in-dialog requests come through the proxy.");
    static final ConfigKey<Integer> BRANCH_TIMEOUT = SECTION.integer("branch-timeout", 30, 1, 600,
            "Seconds a forked branch may ring before it is cancelled (proxy timer C).");
    static final ConfigKey<Integer> WEBSOCKET_CALLER_TTL = SECTION.integer("websocket-caller-ttl", 43200, 60, 604800,
            "Seconds a WebSocket client that calls without registering stays reachable inside its dialogs (longest call).");

    public static RouterSettings from(Config c) {
        return new RouterSettings(c.get(RECORD_ROUTE), c.get(BRANCH_TIMEOUT), c.get(WEBSOCKET_CALLER_TTL));
    }
}
