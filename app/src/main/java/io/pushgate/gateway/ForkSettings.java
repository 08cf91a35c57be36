package io.pushgate.gateway;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [fork-late] section: how long a call waits for a sleeping device, and when the push goes out. */
public record ForkSettings(int pushDelayMs, int callForkTimeoutSeconds, int maxContexts, int messageExpiresSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("fork-late",
            "Calls from the backend to devices: push after a delay, and send the call again when the device re-registers.");
    static final ConfigKey<Integer> PUSH_DELAY = SECTION.integer("push-delay", 1000, 0, 60_000,
            "Milliseconds without a response from a device before its push goes out; a contact parameter pn-delay overrides it.");
    static final ConfigKey<Integer> CALL_FORK_TIMEOUT = SECTION.integer("call-fork-timeout", 30, 1, 600,
            "Seconds a call waits for a device to answer or re-register; then the backend gets 480 with a Reason.");
    static final ConfigKey<Integer> MAX_CONTEXTS = SECTION.integer("max-contexts", 100_000, 1, 10_000_000,
            "Calls waiting at once; beyond it new calls get 503.");
    static final ConfigKey<Integer> MESSAGE_EXPIRES = SECTION.integer("message-expires", 86400, 60, 30 * 86400,
            "Seconds a MESSAGE for a device is kept in the database for delivery when the device re-registers.");

    public static ForkSettings from(Config c) {
        ForkSettings s = new ForkSettings(c.get(PUSH_DELAY), c.get(CALL_FORK_TIMEOUT), c.get(MAX_CONTEXTS), c.get(MESSAGE_EXPIRES));
        if (s.pushDelayMs >= s.callForkTimeoutSeconds * 1000) {
            throw new ConfigException(PUSH_DELAY.qualifiedName(), "must be shorter than fork-late.call-fork-timeout");
        }
        return s;
    }
}
