package io.pushgate.routing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.sip.LocalDomain;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import org.junit.Test;

public class RequestSanityTest {
    private final RequestSanity step = new RequestSanity(new LocalDomain(List.of("example.com")));

    private StepRun run(String method, String ruri, String extraHeaders) throws Exception {
        return StepRun.of(TestRequest.of(method + " " + ruri + " SIP/2.0\n"
                + "From: <sip:alice@example.com>;tag=a\nTo: <sip:bob@example.com>\nCall-ID: sanity\nCSeq: 1 " + method + "\n"
                + extraHeaders), step);
    }

    @Test
    public void anOrdinaryRequestPassesOn() throws Exception {
        StepRun r = run("INVITE", "sip:bob@example.com", "");
        assertTrue(r.proceeded());
        assertEquals(0, r.status());
    }

    @Test
    public void aStrayInDialogRequestGets481() throws Exception {
        StepRun r = StepRun.of(TestRequest.of("""
                BYE sip:bob@example.com SIP/2.0
                From: <sip:alice@example.com>;tag=a
                To: <sip:bob@example.com>;tag=b
                Call-ID: stray
                CSeq: 2 BYE
                """), step);
        assertEquals(481, r.status());
        assertFalse(r.proceeded());
    }

    @Test
    public void exhaustedMaxForwardsGets483ButARegisterIsTheRegistrarsToAnswer() throws Exception {
        assertEquals(483, run("MESSAGE", "sip:bob@example.com", "Max-Forwards: 0\n").status());
        assertTrue(run("REGISTER", "sip:example.com", "Max-Forwards: 0\n").proceeded());
    }

    @Test
    public void noUserForUsIs484ExceptAnOptionsKeepAliveWhichGets200() throws Exception {
        assertEquals(484, run("INVITE", "sip:example.com", "").status());
        assertEquals(200, run("OPTIONS", "sip:example.com", "").status());
        assertTrue("another server's keep-alive goes on", run("OPTIONS", "sip:other.net", "").proceeded());
    }

    @Test
    public void aStrayAckIsDroppedWithoutAnswer() throws Exception {
        StepRun r = run("ACK", "sip:bob@example.com", "");
        assertFalse(r.proceeded());
        assertEquals(0, r.status());
        assertTrue(r.exchange.answered());
    }
}
