package io.pushgate.push;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [push] section: what every push service shares (threads, timeout, retries). */
public record PushSettings(int threads, int timeoutSeconds, int attempts, int retryBaseMs, int retryMaxSeconds,
                           int credentialsCheckSeconds, int rememberedMax) {
    public static final ConfigSection SECTION = new ConfigSection("push",
            "Pushes that wake sleeping devices; each push service has a section of its own (docs/push.md).");
    static final ConfigKey<Integer> THREADS = SECTION.integer("threads", 2, 1, 64,
            "Threads that obtain OAuth2 tokens and hand pushes to the services; SIP threads never wait for a push.");
    static final ConfigKey<Integer> TIMEOUT = SECTION.integer("timeout", 10, 1, 120,
            "Seconds one push request may take before it is counted as a transient failure.");
    static final ConfigKey<Integer> ATTEMPTS = SECTION.integer("attempts", 4, 1, 20,
            "Tries of one push after transient failures (timeout, 429, 5xx, connection lost), within the push's time to live.");
    static final ConfigKey<Integer> RETRY_BASE = SECTION.integer("retry-base", 500, 10, 60_000,
            "Milliseconds before the first retry; each next one waits twice as long, with jitter, or what Retry-After says.");
    static final ConfigKey<Integer> RETRY_MAX = SECTION.integer("retry-max", 30, 1, 3600,
            "Longest wait in seconds between two tries, Retry-After included (a longer Retry-After ends the retries).");

    static final ConfigKey<Integer> CREDENTIALS_CHECK = SECTION.integer("credentials-check", 30, 1, 3600,
            "Seconds between looks at the credential files: a changed file is checked and its service reopened, without a restart.");

    static final ConfigKey<Integer> REMEMBERED = SECTION.integer("remembered-max", 200_000, 100, 10_000_000,
            "Pushes remembered so that a call pushes each device once; past this many (each kept for its push's time to live), those closest to expiry are forgotten early.");

    public static PushSettings from(Config c) {
        return new PushSettings(c.get(THREADS), c.get(TIMEOUT), c.get(ATTEMPTS), c.get(RETRY_BASE), c.get(RETRY_MAX),
                c.get(CREDENTIALS_CHECK), c.get(REMEMBERED));
    }
}
