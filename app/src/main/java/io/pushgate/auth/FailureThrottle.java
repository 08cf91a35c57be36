package io.pushgate.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per key (a source address, or an account and a source) and
 * locks a key out for a while once it fails too often, so the server cannot be used to guess
 * passwords. It tracks at most a fixed number of keys whatever a remote party sends: past that,
 * keys not locked out are forgotten first, and a new key is not tracked while all are locked.
 */
public final class FailureThrottle {
    static final int MAX_TRACKED = 100_000;
    private final int maxTracked;
    private final int maxFailures;
    private final long windowMs;
    private final long lockoutMs;
    private final LongSupplier clock;
    private final Map<String, Window> sources = new ConcurrentHashMap<>();

    private record Window(long start, int failures, long lockedUntil) {}

    public FailureThrottle(int maxFailures, int windowSeconds, int lockoutSeconds, LongSupplier clock) {
        this(maxFailures, windowSeconds, lockoutSeconds, clock, MAX_TRACKED);
    }

    FailureThrottle(int maxFailures, int windowSeconds, int lockoutSeconds, LongSupplier clock, int maxTracked) {
        this.maxTracked = maxTracked;
        this.maxFailures = maxFailures;
        this.windowMs = windowSeconds * 1000L;
        this.lockoutMs = lockoutSeconds * 1000L;
        this.clock = clock;
    }

    /** Seconds the source stays locked out, or 0 when it may try. */
    public long lockedFor(String source) {
        Window w = sources.get(source);
        long now = clock.getAsLong();
        if (w == null || w.lockedUntil <= now) return 0;
        return Math.max(1, (w.lockedUntil - now + 999) / 1000);
    }

    /** Counts a failure; true when this one locks the source out. */
    public boolean failed(String source) {
        long now = clock.getAsLong();
        if (!sources.containsKey(source) && sources.size() >= maxTracked) {
            sources.values().removeIf(w -> w.lockedUntil <= now && now - w.start > windowMs);
            for (var it = sources.values().iterator(); sources.size() >= maxTracked && it.hasNext(); ) {
                if (it.next().lockedUntil <= now) it.remove();
            }
            if (sources.size() >= maxTracked) return false;
        }
        Window after = sources.compute(source, (s, w) -> {
            if (w == null || now - w.start > windowMs) w = new Window(now, 0, 0);
            int failures = w.failures + 1;
            long lockedUntil = failures >= maxFailures ? now + lockoutMs : w.lockedUntil;
            return new Window(failures >= maxFailures ? now : w.start, failures >= maxFailures ? 0 : failures, lockedUntil);
        });
        return after.failures == 0 && after.lockedUntil > now;
    }

    public void succeeded(String source) {
        Window w = sources.get(source);
        if (w != null && w.lockedUntil <= clock.getAsLong()) sources.remove(source);
    }
}
