package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

public class CallOrderedQueueTest {
    /** Each worker a thread of its own: a worker is known to the queue by its thread. */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> new Thread(r).start();
    private static DatagramQueuedMessageDispatch datagram(String firstLine, String callIdLine) {
        return datagram(firstLine, callIdLine, 0);
    }

    private static DatagramQueuedMessageDispatch datagram(String firstLine, String callIdLine, long ageMillis) {
        byte[] b = (firstLine + "\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n" + callIdLine + "\r\nCSeq: 1 INVITE\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new DatagramQueuedMessageDispatch(new DatagramPacket(b, b.length), System.currentTimeMillis() - ageMillis);
    }

    @Test
    public void aCallsSecondDatagramWaitsUntilTheWorkerWithItsFirstComesBack() throws Exception {
        CallOrderedQueue q = new CallOrderedQueue(1024, 100, 0);
        DatagramQueuedMessageDispatch ringing = datagram("SIP/2.0 180 Ringing", "Call-ID: call-a");
        DatagramQueuedMessageDispatch other = datagram("SIP/2.0 200 OK", "Call-ID: call-b");
        DatagramQueuedMessageDispatch ok = datagram("SIP/2.0 200 OK", "i: call-a");
        q.offer(ringing);
        q.offer(ok);
        q.offer(other);

        CompletableFuture<DatagramQueuedMessageDispatch> first = CompletableFuture.supplyAsync(() -> take(q), OWN_THREAD);
        assertSame(ringing, first.get(5, TimeUnit.SECONDS));
        // a second worker gets the other call's datagram, not the 200 of the call in hand
        CompletableFuture<DatagramQueuedMessageDispatch> second = CompletableFuture.supplyAsync(() -> poll(q, 2000), OWN_THREAD);
        assertSame(other, second.get(5, TimeUnit.SECONDS));
        assertEquals(1, q.size());
        assertNull("held while the 180 is in hand", CompletableFuture.supplyAsync(() -> poll(q, 200), OWN_THREAD).get(5, TimeUnit.SECONDS));
    }

    @Test
    public void theWorkerThatComesBackGetsTheCallsNextDatagram() throws Exception {
        CallOrderedQueue q = new CallOrderedQueue(1024, 100, 0);
        DatagramQueuedMessageDispatch ringing = datagram("SIP/2.0 180 Ringing", "Call-ID: call-a");
        DatagramQueuedMessageDispatch ok = datagram("SIP/2.0 200 OK", "Call-ID: call-a");
        q.offer(ringing);
        q.offer(ok);
        assertSame(ringing, q.take());
        assertSame("this thread came back: it is done with the 180", ok, q.poll(1, TimeUnit.SECONDS));
    }

    @Test
    public void theCallIdIsReadInItsLongAndCompactFormsAndADatagramWithoutOneIsNotHeld() {
        CallOrderedQueue q = new CallOrderedQueue(1024, 100, 0);
        byte[] a = "INVITE sip:a@b SIP/2.0\r\nCall-ID: x1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "INVITE sip:a@b SIP/2.0\r\ni:x1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] none = "INVITE sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n\r\nCall-ID: in the body\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(q.stripe(a, a.length), q.stripe(b, b.length));
        assertEquals(-1, q.stripe(none, none.length));
    }

    @Test
    public void aFloodOnOneCallIdIsDroppedPastItsShareWhileOtherCallsGetIn() {
        CallOrderedQueue q = new CallOrderedQueue(1024, 100_000, 0);
        int accepted = 0;
        for (int i = 0; i < 2 * CallOrderedQueue.PER_STRIPE; i++) if (q.offer(datagram("OPTIONS sip:a@b SIP/2.0", "Call-ID: same"))) accepted++;
        assertEquals(CallOrderedQueue.PER_STRIPE, accepted);
        assertEquals(true, q.offer(datagram("OPTIONS sip:a@b SIP/2.0", "Call-ID: another")));
    }

    @Test
    public void aRequestThatWaitedPastTheBoundIsDroppedAndCountedButAnOldResponseIsHandedOut() throws Exception {
        CallOrderedQueue q = new CallOrderedQueue(1024, 100, 500);
        DatagramQueuedMessageDispatch late = datagram("REGISTER sip:b SIP/2.0", "Call-ID: late", 800);
        DatagramQueuedMessageDispatch lateResponse = datagram("SIP/2.0 200 OK", "Call-ID: other", 800);
        DatagramQueuedMessageDispatch fresh = datagram("REGISTER sip:b SIP/2.0", "Call-ID: fresh", 10);
        q.offer(late);
        q.offer(lateResponse);
        q.offer(fresh);
        long before = SipTraffic.OVERLOAD_DROPPED.get();
        assertSame(lateResponse, q.take());
        assertSame(fresh, q.poll(1, TimeUnit.SECONDS));
        assertEquals(0, q.size());
        assertEquals(1, SipTraffic.OVERLOAD_DROPPED.get() - before);
    }

    @Test
    public void aFullQueueRefusesAndCounts() {
        CallOrderedQueue q = new CallOrderedQueue(1024, 2, 0);
        long before = SipTraffic.OVERLOAD_DROPPED.get();
        assertEquals(true, q.offer(datagram("OPTIONS sip:a@b SIP/2.0", "Call-ID: 1")));
        assertEquals(true, q.offer(datagram("OPTIONS sip:a@b SIP/2.0", "Call-ID: 2")));
        assertEquals(false, q.offer(datagram("OPTIONS sip:a@b SIP/2.0", "Call-ID: 3")));
        assertEquals(1, SipTraffic.OVERLOAD_DROPPED.get() - before);
    }

    private static DatagramQueuedMessageDispatch take(CallOrderedQueue q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DatagramQueuedMessageDispatch poll(CallOrderedQueue q, long ms) {
        try {
            return q.poll(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
