package io.pushgate.flood;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code rate} requests a second on average, {@code burst} at
 * once. A source that empties its bucket is blocked for {@code blockSeconds}, whatever it sends
 * meanwhile. Memory is bounded: at {@code maxSources}, sources idle for a second are forgotten,
 * and while the table stays full the new sources share one bucket (an attack from many
 * addresses then slows the newcomers, not the sources already known).
 */
public final class SourceRateLimit {
    /** What became of a request. */
    public enum Verdict {
        PASS,
        /** This request emptied the source's bucket: the source is blocked from now on. */
        BLOCKED_NOW,
        BLOCKED
    }

    private static final String OVERFLOW = "(sources past the table's size)";
    private final double ratePerMs;
    private final double burst;
    private final long blockMs;
    private final Set<String> exempt;
    private final boolean exemptLoopback;
    private final int maxSources;
    private final LongSupplier clock;
    private final Map<String, Bucket> sources = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    private static final class Bucket {
        double tokens;
        long at;
        long blockedUntil;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public SourceRateLimit(FloodSettings s, LongSupplier clockMs) {
        this.ratePerMs = s.rate() / 1000.0;
        this.burst = s.burst();
        this.blockMs = s.blockSeconds() * 1000L;
        this.exempt = Set.copyOf(s.exempt());
        this.exemptLoopback = s.exemptLoopback();
        this.maxSources = s.maxSources();
        this.clock = clockMs;
    }

    public Verdict check(String source) {
        if (exempt.contains(source) || exemptLoopback && (source.startsWith("127.") || source.equals("::1") || source.equals("0:0:0:0:0:0:0:1"))) {
            return Verdict.PASS;
        }
        long now = clock.getAsLong();
        Bucket b = sources.get(source);
        if (b == null) {
            if (sources.size() >= maxSources) sources.values().removeIf(x -> now - x.at > 1000 && x.blockedUntil <= now);
            b = sources.computeIfAbsent(sources.size() >= maxSources ? OVERFLOW : source, k -> new Bucket(burst, now));
        }
        synchronized (b) {
            if (b.blockedUntil > now) {
                dropped.incrementAndGet();
                return Verdict.BLOCKED;
            }
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * ratePerMs);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return Verdict.PASS;
            }
            b.blockedUntil = now + blockMs;
            b.tokens = 0;
            dropped.incrementAndGet();
            return Verdict.BLOCKED_NOW;
        }
    }

    /** Requests ignored since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Sources blocked now. */
    public int blockedSources() {
        long now = clock.getAsLong();
        return (int) sources.values().stream().filter(b -> b.blockedUntil > now).count();
    }

    public int trackedSources() {
        return sources.size();
    }
}
