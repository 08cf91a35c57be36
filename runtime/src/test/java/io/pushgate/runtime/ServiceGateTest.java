package io.pushgate.runtime;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.After;
import org.junit.Test;

public class ServiceGateTest {
    private final ServiceGate gate = new ServiceGate();

    @After
    public void reset() {
        ServiceGate.messageDone();
        ServiceGate.servingWhen(() -> false);
    }

    private static SIPRequest register() throws Exception {
        String text = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKgate\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:alice@example.com>\r\nCall-ID: gate\r\nCSeq: 1 REGISTER\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return (SIPRequest) new StrictMessageParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    @Test
    public void aStopWaitsForARequestLetInJustBeforeItUntilItsWorkerIsDone() throws Exception {
        ServiceGate.servingWhen(() -> true);
        ServiceGate.messageStarts();
        assertTrue("let in while serving", gate.processRequest(register(), null));
        ServiceGate.stopping();
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> ServiceGate.awaitAdmitted(30_000));
        // the stop cannot go on while this worker still hands the request to the application
        assertThrows(TimeoutException.class, () -> stop.get(300, TimeUnit.MILLISECONDS));
        ServiceGate.messageDone();
        stop.get(5, TimeUnit.SECONDS);
    }

    @Test
    public void aRefusedRequestIsNotWaitedFor() throws Exception {
        ServiceGate.servingWhen(() -> true);
        ServiceGate.stopping();
        ServiceGate.messageStarts();
        // refused with 503 (no channel here to send it on: the answer fails quietly)
        assertFalse(gate.processRequest(register(), null));
        long started = System.nanoTime();
        ServiceGate.awaitAdmitted(30_000);
        assertTrue("nothing to wait for", System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    public void outsideAWorkersBracketNothingIsCounted() throws Exception {
        ServiceGate.servingWhen(() -> true);
        assertTrue(gate.processRequest(register(), null)); // a stream transport's request
        ServiceGate.stopping();
        long started = System.nanoTime();
        ServiceGate.awaitAdmitted(30_000);
        assertTrue("nothing to wait for", System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    }
}
