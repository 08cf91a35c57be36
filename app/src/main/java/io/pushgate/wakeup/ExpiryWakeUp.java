package io.pushgate.wakeup;

import io.prometheus.metrics.core.metrics.Counter;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushParams;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.trace.CallTrace;
import io.pushgate.trace.CallTraces;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a device whose binding is about to expire, so that it wakes and registers again before
 * calls for it go unanswered. A device that does not come back is pushed again, with growing
 * pauses, until the binding's real expiry, when the registrar drops it as usual. Each binding's
 * next push is a timer set from the binding changes the store reports.
 */
public final class ExpiryWakeUp implements BindingChange.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExpiryWakeUp.class);
    static final Counter WAKE_UPS = Counter.builder().withoutExemplars().name("pushgate_wake_ups")
            .help("Registrations a wake-up push was sent for, by how they ended (refreshed, expired, token_dead, removed).")
            .labelNames("outcome").register();

    /** One binding being woken: its next push (null after the last) and its trace (null before the first). */
    private record Waking(long expiresAt, ScheduledFuture<?> next, CallTrace trace) {}

    private final WakeUpSettings settings;
    private final BindingStore bindings;
    private final PushDispatcher push;
    private final ScheduledExecutorService timers;
    private final CallTraces traces;
    private final LongSupplier clock;
    private final WakeUpClaims claims;
    /** Binding id to its wake-up timer (and trace once pushed). */
    private final Map<String, Waking> waking = new ConcurrentHashMap<>();

    public ExpiryWakeUp(WakeUpSettings settings, BindingStore bindings, PushDispatcher push, ScheduledExecutorService timers,
                        CallTraces traces, WakeUpClaims claims, LongSupplier clock) {
        this.settings = settings;
        this.bindings = bindings;
        this.push = push;
        this.timers = timers;
        this.traces = traces;
        this.clock = clock;
        this.claims = claims;
    }

    /**
     * Sets a timer for every binding the store holds (at start) and listens to its changes, those
     * other servers on the database make included: each push is sent by whichever server claims
     * it first ({@link WakeUpClaims}), so a device is still woken when the server it registered
     * through has died.
     */
    public void start() {
        if (!settings.enabled()) return;
        for (String aor : bindings.aors("", Integer.MAX_VALUE)) {
            for (BindingRecord b : bindings.current(aor)) arm(b);
        }
        bindings.addListener(this);
        bindings.addPeerListener(this);
    }

    /** Deletes the claims of expired bindings. */
    public void purge() {
        claims.purge(clock.getAsLong());
    }

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            Waking before = waking.remove(c.binding().id());
            if (before != null) {
                if (before.next() != null) before.next().cancel(false);
                if (before.trace() != null && !before.trace().ended()) finish(before.trace(), c);
            }
            if (c.event().active()) arm(c.binding());
        }
    }

    private void finish(CallTrace trace, BindingChange c) {
        if (c.event().active()) {
            trace.registered(PushParams.redacted(c.binding().contactUri()));
            trace.end(CallTrace.Outcome.REFRESHED, "registered again");
            WAKE_UPS.labelValues("refreshed").inc();
        } else {
            String how = c.event() == BindingChange.Event.EXPIRED ? "expired" : "removed";
            trace.end(CallTrace.Outcome.EXPIRED, c.event().xmlName());
            WAKE_UPS.labelValues(how).inc();
        }
    }

    private void arm(BindingRecord b) {
        PushParams p = wakeable(b);
        if (p == null) return;
        long at = b.expiresAt() - settings.beforeSeconds() * 1000L;
        schedule(b, p, 0, at);
    }

    /** The binding's push parameters when it is one we wake, else null. */
    private PushParams wakeable(BindingRecord b) {
        if (settings.devices() == WakeUpSettings.Devices.PNSREG
                && !b.headerParams().toLowerCase(Locale.ROOT).contains("+sip.pnsreg")) return null;
        try {
            PushParams p = PushParams.parseUri(b.contactUri()).orElse(null);
            return p != null && push.supports(p.provider()) ? p : null;
        } catch (PushParams.InvalidPushParams e) {
            return null;
        }
    }

    /** Sets the timer of a binding's next try, keeping its trace (the last try: no timer, the trace stays). */
    private void schedule(BindingRecord b, PushParams p, int attempt, long at) {
        Waking current = waking.get(b.id());
        CallTrace trace = current != null && current.expiresAt() == b.expiresAt() ? current.trace() : null;
        // the last push must leave the device time to register
        if (at > b.expiresAt() - 2000) {
            if (trace != null) waking.put(b.id(), new Waking(b.expiresAt(), null, trace));
            else waking.remove(b.id(), current);
            return;
        }
        long delay = Math.max(0, at - clock.getAsLong());
        ScheduledFuture<?> f = timers.schedule(() -> tryNow(b, p, attempt), delay, TimeUnit.MILLISECONDS);
        waking.put(b.id(), new Waking(b.expiresAt(), f, trace));
    }

    /** A try is due: the next one is set, and this one is sent if this server claims it. */
    private void tryNow(BindingRecord b, PushParams p, int attempt) {
        Waking w = waking.get(b.id());
        if (w == null || w.expiresAt() != b.expiresAt()) return; // refreshed or removed meanwhile
        long next = clock.getAsLong() + settings.retrySeconds() * 1000L * (1L << Math.min(attempt, 16));
        schedule(b, p, attempt + 1, next);
        claims.claim(b.id() + "@" + b.expiresAt() + "#" + attempt, b.expiresAt()).thenAccept(ours -> {
            if (ours) timers.execute(() -> pushNow(b, p, attempt));
        });
    }

    private void pushNow(BindingRecord b, PushParams p, int attempt) {
        Waking w = waking.get(b.id());
        if (w == null || w.expiresAt() != b.expiresAt()) return;
        CallTrace trace = w.trace() != null ? w.trace()
                : traces.beginWakeUp("wake-up-" + b.id() + "-" + b.expiresAt(), b.aor(), b.id(), b.expiresAt());
        if (w.trace() == null) waking.computeIfPresent(b.id(), (id, cur) -> cur.expiresAt() == b.expiresAt() ? new Waking(cur.expiresAt(), cur.next(), trace) : cur);
        long left = b.expiresAt() - clock.getAsLong();
        trace.pushSent(PushNotification.Kind.REFRESH, p.provider(), b.id());
        // a distinct id per try: a try is not a duplicate of the one the device ignored
        push.send(new PushNotification(PushNotification.Kind.REFRESH, p, "", b.aor(), trace.callId() + "-" + attempt,
                Duration.ofMillis(Math.max(left, 1000)))).thenAccept(o -> {
                    trace.pushAnswered(o);
                    if (o.tokenGone()) {
                        trace.end(CallTrace.Outcome.TOKEN_DEAD, "token no longer valid");
                        WAKE_UPS.labelValues("token_dead").inc();
                    }
                });
        log.info("wake-up push {} for {} (device {}), binding expires in {} s", attempt + 1, b.aor(), b.id(), left / 1000);
    }

    @Override
    public void close() {
        for (Waking w : waking.values()) if (w.next() != null) w.next().cancel(false);
        waking.clear();
        claims.close();
    }
}
