package io.pushgate.trace;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** The traces' order, their ending, what they feed the metrics, and the bounds on how many are kept and for how long. */
public class CallTracesTest {
    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final CallTraces traces = new CallTraces(new TraceSettings(15, 10), now::get);

    private static List<String> types(CallTrace t) {
        List<String> out = new ArrayList<>();
        JsonArray events = t.json().getAsJsonArray("events");
        for (var e : events) out.add(e.getAsJsonObject().get("type").getAsString());
        return out;
    }

    @Test
    public void aPushedCallThatConnectsIsTracedInOrderAndCountedOnce() {
        double answered = CallTrace.OUTCOMES.labelValues("answered").get();
        double waiting = CallTrace.WAITING.get();
        long wakeUps = CallTrace.WAKE_UP.collect().getDataPoints().get(0).getCount();

        CallTrace t = traces.begin("c1@host", "sip:bob@example.com", "sip:alice@example.com");
        assertEquals(waiting + 1, CallTrace.WAITING.get(), 0);
        t.branch("sip:bob@192.0.2.1", false);
        t.pushSent(PushNotification.Kind.CALL, "apns", "b1");
        now.addAndGet(100);
        t.pushAnswered(PushOutcome.accepted("apns", "id-1"));
        now.addAndGet(2_400);
        t.registered("sip:bob@192.0.2.1;pn-prid=***");
        t.branch("sip:bob@192.0.2.1", true);
        t.branchAnswer("sip:bob@192.0.2.1", 200, "OK");
        t.end(CallTrace.Outcome.ANSWERED, "answered");
        t.end(CallTrace.Outcome.TIMEOUT, "too late, ignored");

        assertEquals(List.of("invite", "branch", "push", "push-accepted", "register", "fork-late", "answer", "end"), types(t));
        JsonObject json = t.json();
        assertEquals("answered", json.get("outcome").getAsString());
        assertTrue(json.toString(), json.toString().contains("apns id id-1"));
        assertEquals(answered + 1, CallTrace.OUTCOMES.labelValues("answered").get(), 0);
        assertEquals("no longer waiting", waiting, CallTrace.WAITING.get(), 0);
        var wake = CallTrace.WAKE_UP.collect().getDataPoints().get(0);
        assertEquals(wakeUps + 1, wake.getCount());
        assertTrue("about 2.4 s from the accepted push to the REGISTER", wake.getSum() >= 2.4);
        assertTrue(CallTrace.text(json).contains("outcome: answered (answered)"));
        assertEquals(1, t.devicesPushed());
    }

    @Test
    public void aDeadTokenIsNamedAndTheTraceIsFoundByCallId() {
        CallTrace t = traces.begin("c2@host", "sip:carol@example.com", "sip:alice@example.com");
        t.pushSent(PushNotification.Kind.CALL, "fcm", "b2");
        t.pushAnswered(PushOutcome.tokenGone("fcm", "UNREGISTERED"));
        t.end(CallTrace.Outcome.TOKEN_DEAD, "every token dead");
        assertEquals(List.of("invite", "push", "push-token-dead", "end"), types(traces.find("c2@host").orElseThrow()));
        assertTrue(traces.find("unknown").isEmpty());
    }

    @Test
    public void endedTracesGoAfterTheRetentionAndNoMoreThanMaxCallsAreKept() {
        CallTrace old = traces.begin("old@host", "sip:a@example.com", "sip:b@example.com");
        old.end(CallTrace.Outcome.TIMEOUT, "no answer");
        CallTrace open = traces.begin("open@host", "sip:a@example.com", "sip:b@example.com");
        now.addAndGet(15 * 60_000L + 1);
        traces.purge();
        assertTrue("ended and past the retention", traces.find("old@host").isEmpty());
        assertTrue("still waiting: kept", traces.find("open@host").isPresent());

        double waiting = CallTrace.WAITING.get();
        for (int i = 0; i < 10; i++) traces.begin("n" + i + "@host", "sip:a@example.com", "sip:b@example.com");
        assertTrue("the oldest went to make room", traces.find("open@host").isEmpty());
        assertTrue(open.ended());
        assertEquals(10, traces.recent(100).size());
        assertEquals("n9@host", traces.recent(1).get(0).callId());
        assertEquals("the dropped one no longer counts as waiting", waiting + 9, CallTrace.WAITING.get(), 0);
        assertFalse(traces.find("n9@host").orElseThrow().ended());
    }
}
