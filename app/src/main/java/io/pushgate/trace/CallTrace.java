package io.pushgate.trace;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What happened to one call for a push-capable device, in the order it happened: the INVITE,
 * each branch and its answer, each push and the provider's answer, each re-REGISTER, and how the
 * call ended. The same points feed the pushed-call metrics, so the trace and the counts agree.
 */
public final class CallTrace {
    /**
     * How a traced call ended (the label values of pushgate_push_calls_total), or a wake-up before
     * expiry: the device REFRESHED its registration, or it EXPIRED.
     */
    public enum Outcome { ANSWERED, DECLINED, TIMEOUT, CANCELLED, TOKEN_DEAD, FAILED, REFRESHED, EXPIRED }

    static final Counter OUTCOMES = Counter.builder().withoutExemplars().name("pushgate_push_calls")
            .help("Calls for push-capable devices, by outcome (answered, declined, timeout, cancelled, token_dead, failed).")
            .labelNames("outcome").register();
    static final Gauge WAITING = Gauge.builder().withoutExemplars().name("pushgate_push_calls_waiting")
            .help("Calls for push-capable devices not answered or ended yet.").register();
    static final Histogram WAKE_UP = Histogram.builder().withoutExemplars().name("pushgate_push_wake_up_seconds")
            .help("From the first push a provider accepted for a call to the device's REGISTER.")
            .classicOnly().classicUpperBounds(0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30).register();

    public record Event(long at, String type, String detail) {}

    private final String callId;
    private final String callee;
    private final long startedAt;
    private final LongSupplier clock;
    private final List<Event> events = new ArrayList<>();
    private long firstPushAcceptedAt;
    private boolean wokeUp;
    private Outcome outcome;
    private String reason;
    private long endedAt;
    /** False for a wake-up before expiry, which is not a call and has its own metric. */
    private final boolean call;

    CallTrace(String callId, String callee, LongSupplier clock, boolean call) {
        this.callId = callId;
        this.callee = callee;
        this.clock = clock;
        this.call = call;
        this.startedAt = clock.getAsLong();
        if (call) WAITING.inc();
    }

    public String callId() { return callId; }
    public synchronized boolean ended() { return outcome != null; }
    synchronized long endedAt() { return endedAt; }
    public long startedAt() { return startedAt; }

    public synchronized void note(String type, String detail) {
        events.add(new Event(clock.getAsLong(), type, detail));
    }

    public void invite(String from) { note("invite", "from " + from + " for " + callee); }

    public void branch(String target, boolean late) { note(late ? "fork-late" : "branch", target); }

    public void branchAnswer(String target, int status, String phrase) { note("answer", status + " " + phrase + " from " + target); }

    /** {@code device} names the device among the call's (a binding id, never its token). */
    public void pushSent(PushNotification.Kind kind, String provider, String device) {
        note("push", kind.token() + " push to " + provider + ", device " + device);
    }

    /** How many devices were pushed for the call. */
    public synchronized long devicesPushed() {
        return events.stream().filter(e -> e.type().equals("push")).map(e -> e.detail().substring(e.detail().lastIndexOf(", device ") + 1))
                .distinct().count();
    }

    /** The provider's answer to a push: its id when accepted, its words when not. */
    public synchronized void pushAnswered(PushOutcome o) {
        String tries = o.attempts() > 1 ? " after " + o.attempts() + " tries" : "";
        if (o.accepted()) {
            if (firstPushAcceptedAt == 0) firstPushAcceptedAt = clock.getAsLong();
            note("push-accepted", o.provider() + (o.id() == null ? "" : " id " + o.id()) + tries);
        } else {
            String type = switch (o.status()) {
                case TOKEN_GONE -> "push-token-dead";
                case CREDENTIALS -> "push-credentials-refused";
                default -> "push-refused";
            };
            note(type, o.provider() + ": " + o.reason() + tries);
        }
    }

    /** The device registered (again) while the call waited. */
    public synchronized void registered(String contact) {
        note("register", contact);
        if (firstPushAcceptedAt > 0 && !wokeUp) {
            wokeUp = true;
            WAKE_UP.observe((clock.getAsLong() - firstPushAcceptedAt) / 1000.0);
        }
    }

    /** The call's end; only the first one counts. */
    public synchronized void end(Outcome outcome, String reason) {
        if (this.outcome != null) return;
        this.outcome = outcome;
        this.reason = reason;
        this.endedAt = clock.getAsLong();
        note("end", outcome.name().toLowerCase(Locale.ROOT) + ": " + reason);
        if (!call) return;
        OUTCOMES.labelValues(outcome.name().toLowerCase(Locale.ROOT)).inc();
        WAITING.dec();
    }

    public synchronized JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("callId", callId);
        o.addProperty("callee", callee);
        o.addProperty("startedAt", startedAt);
        if (outcome != null) {
            o.addProperty("outcome", outcome.name().toLowerCase(Locale.ROOT));
            o.addProperty("reason", reason);
            o.addProperty("endedAt", endedAt);
        }
        JsonArray a = new JsonArray();
        for (Event e : events) {
            JsonObject j = new JsonObject();
            j.addProperty("at", e.at());
            j.addProperty("ms", e.at() - startedAt);
            j.addProperty("type", e.type());
            j.addProperty("detail", e.detail());
            a.add(j);
        }
        o.add("events", a);
        return o;
    }

    /** A line per event, for the terminal (pushgate trace). */
    public static String text(JsonObject trace) {
        StringBuilder b = new StringBuilder();
        b.append("call ").append(trace.get("callId").getAsString()).append(" for ").append(trace.get("callee").getAsString()).append('\n');
        for (var e : trace.getAsJsonArray("events")) {
            JsonObject j = e.getAsJsonObject();
            b.append(String.format(Locale.ROOT, "%+8d ms  %-16s %s%n", j.get("ms").getAsLong(), j.get("type").getAsString(), j.get("detail").getAsString()));
        }
        if (trace.has("outcome")) b.append("outcome: ").append(trace.get("outcome").getAsString()).append(" (").append(trace.get("reason").getAsString()).append(")\n");
        else b.append("still waiting\n");
        return b.toString();
    }
}
