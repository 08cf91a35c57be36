package io.pushgate.trace;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The recent call traces, in memory: an ended trace is kept for [trace] retention, and never more
 * than max-calls traces at once (the oldest go first), so a flood of calls cannot grow the heap.
 */
public final class CallTraces {
    private final long retentionMs;
    private final int maxCalls;
    private final LongSupplier clock;
    private final LinkedHashMap<String, CallTrace> traces = new LinkedHashMap<>();

    public CallTraces(TraceSettings settings, LongSupplier clock) {
        this.retentionMs = settings.retentionMinutes() * 60_000L;
        this.maxCalls = settings.maxCalls();
        this.clock = clock;
    }

    /** A new trace for the call; a call already traced (a retransmission reaching us again) keeps its trace. */
    public synchronized CallTrace begin(String callId, String callee, String from) {
        CallTrace existing = traces.get(callId);
        if (existing != null && !existing.ended()) return existing;
        CallTrace t = add(new CallTrace(callId, callee, clock, true));
        t.invite(from);
        return t;
    }

    /** A trace of the pushes that ask a device to register again before {@code expiresAt}; {@code id} names it. */
    public synchronized CallTrace beginWakeUp(String id, String aor, String device, long expiresAt) {
        CallTrace t = add(new CallTrace(id, aor, clock, false));
        t.note("wake-up", "device " + device + " of " + aor + ", registration expires at " + java.time.Instant.ofEpochMilli(expiresAt));
        return t;
    }

    private CallTrace add(CallTrace t) {
        evict();
        traces.remove(t.callId());
        traces.put(t.callId(), t);
        return t;
    }

    public synchronized Optional<CallTrace> find(String callId) {
        return Optional.ofNullable(traces.get(callId));
    }

    /** The newest first. */
    public synchronized List<CallTrace> recent(int limit) {
        List<CallTrace> all = new ArrayList<>(traces.values());
        List<CallTrace> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) out.add(all.get(i));
        return out;
    }

    public synchronized void purge() {
        long cutoff = clock.getAsLong() - retentionMs;
        traces.values().removeIf(t -> t.ended() && t.endedAt() < cutoff);
    }

    private void evict() {
        purge();
        for (Iterator<Map.Entry<String, CallTrace>> it = traces.entrySet().iterator(); traces.size() >= maxCalls && it.hasNext(); ) {
            CallTrace oldest = it.next().getValue();
            // one that still waits is ended here, so the gauge of waiting calls stays right
            oldest.end(CallTrace.Outcome.FAILED, "trace dropped: more than " + maxCalls + " calls traced");
            it.remove();
        }
    }
}
