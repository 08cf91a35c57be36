package io.pushgate.metrics;

import static org.junit.Assert.assertEquals;

import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import org.junit.Test;

/** What the counting step records for requests answered behind it, and that it changes nothing. */
public class RequestOutcomesTest {
    private static final String REGISTER = """
            REGISTER sip:example.com SIP/2.0
            From: <sip:alice@example.com>;tag=1
            To: <sip:alice@example.com>
            Call-ID: outcomes-%d
            CSeq: 1 REGISTER
            """;

    private static double registers(String outcome) {
        return RequestOutcomes.REGISTERS.labelValues(outcome).get();
    }

    @Test
    public void registersAreCountedByHowTheyWereAnswered() throws Exception {
        double challenged = registers("challenged");
        double accepted = registers("accepted");
        double rejected = registers("rejected");
        double fourXx = RequestOutcomes.ANSWERED.labelValues("REGISTER", "4xx").get();

        assertEquals(401, StepRun.of(TestRequest.of(REGISTER.formatted(1)), new RequestOutcomes(), (ex, chain) -> ex.reply(401, null)).status());
        assertEquals(200, StepRun.of(TestRequest.of(REGISTER.formatted(2)), new RequestOutcomes(), (ex, chain) -> ex.reply(200, null)).status());
        assertEquals(403, StepRun.of(TestRequest.of(REGISTER.formatted(3)), new RequestOutcomes(), (ex, chain) -> ex.reply(403, null)).status());
        StepRun passed = StepRun.of(TestRequest.of(REGISTER.formatted(4)), new RequestOutcomes());

        assertEquals(challenged + 1, registers("challenged"), 0);
        assertEquals(accepted + 1, registers("accepted"), 0);
        assertEquals(rejected + 1, registers("rejected"), 0);
        assertEquals(fourXx + 2, RequestOutcomes.ANSWERED.labelValues("REGISTER", "4xx").get(), 0);
        assertEquals("passed on and not answered here: nothing counted yet", 0, passed.status());
    }

    @Test
    public void labelValuesAreBounded() {
        assertEquals("other", SipLabels.method("X-ANYTHING-A-PEER-SENDS"));
        assertEquals("INVITE", SipLabels.method("INVITE"));
        assertEquals("4xx", SipLabels.statusClass(404));
        assertEquals("other", SipLabels.statusClass(999));
        assertEquals("other", SipLabels.statusClass("nonsense"));
    }
}
