package io.pushgate.gateway;

import io.pushgate.metrics.Gauges;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.push.PushParams;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * REGISTERs relayed to the backend and not answered yet, keyed by Call-ID and CSeq. Bounded: a
 * backend that never answers cannot make the gateway grow; entries older than the TTL are dropped.
 */
public final class PendingRegistrations {

    /** One device contact of the REGISTER: what to save if the backend says 200. */
    public record DeviceContact(BindingRecord draft, String masqueradedUri, String originalHeader, PushParams push) {}

    public record Pending(String aor, List<DeviceContact> contacts, boolean wildcard, long createdAt) {}

    private final int max;
    private final long ttlMs;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Pending> entries = new LinkedHashMap<>();

    public PendingRegistrations(int max, int ttlSeconds, LongSupplier clock) {
        this.max = max;
        this.ttlMs = ttlSeconds * 1000L;
        this.clock = clock;
        Gauges.report("pushgate_gateway_pending_registrations", "REGISTERs relayed to the backend and waiting for its answer.", this::size);
    }

    public static String key(String callId, long cseq) {
        return callId + " " + cseq;
    }

    /** Adds an entry; false when full (after dropping expired ones). */
    public synchronized boolean put(String key, Pending p) {
        expire();
        if (entries.size() >= max && !entries.containsKey(key)) return false;
        entries.remove(key);
        entries.put(key, p);
        return true;
    }

    /** Removes and returns the entry, or null when unknown or expired. */
    public synchronized Pending take(String key) {
        Pending p = entries.remove(key);
        if (p == null || clock.getAsLong() - p.createdAt() > ttlMs) return null;
        return p;
    }

    public synchronized int size() {
        expire();
        return entries.size();
    }

    private void expire() {
        long now = clock.getAsLong();
        // Insertion order is creation order, so the oldest come first.
        for (Iterator<Map.Entry<String, Pending>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().createdAt() > ttlMs) it.remove();
            else break;
        }
    }
}
