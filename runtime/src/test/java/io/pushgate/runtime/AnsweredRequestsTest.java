package io.pushgate.runtime;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class AnsweredRequestsTest {
    private static final InetAddress PHONE = address(198, 51, 100, 7);

    private static InetAddress address(int... b) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) b[0], (byte) b[1], (byte) b[2], (byte) b[3]});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static SIPRequest request(String method, String via) throws Exception {
        return request(method, via, 1);
    }

    private static SIPRequest request(String method, String via, int cseq) throws Exception {
        String text = method + " sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP " + via + "\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:alice@example.com>\r\n"
                + "Call-ID: kept\r\nCSeq: " + cseq + " " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return (SIPRequest) new StrictMessageParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    private static long key(String method, String via) throws Exception {
        return AnsweredRequests.key(request(method, via));
    }

    /** About the size of a 200 to a REGISTER. */
    private static byte[] answer(int n) {
        return ("SIP/2.0 200 OK\r\nX-N: " + n + "\r\nX-Padding: " + "x".repeat(400) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    public void anAnswerIsKeptForTimerJAndNoLonger() throws Exception {
        AnsweredRequests kept = new AnsweredRequests(1 << 20);
        long k = key("REGISTER", "198.51.100.7:5062;branch=z9hG4bK1");
        kept.put(k, answer(1), PHONE, 5062, 1000);
        AnsweredRequests.Answer a = kept.get(k, 1000 + AnsweredRequests.TIMER_J_MS - 1);
        assertNotNull(a);
        assertArrayEquals(answer(1), a.bytes());
        assertEquals(PHONE, a.to());
        assertEquals(5062, a.port());
        assertNull("past Timer J", kept.get(k, 1000 + AnsweredRequests.TIMER_J_MS));
    }

    @Test
    public void theKeyIsBranchSentByMethodAndCSeq() throws Exception {
        long k = key("MESSAGE", "198.51.100.7:5062;branch=z9hG4bK1");
        assertEquals("received and rport added by the stack do not change it", k,
                key("MESSAGE", "198.51.100.7:5062;branch=z9hG4bK1;received=203.0.113.1;rport=40000"));
        assertNotEquals("another branch", k, key("MESSAGE", "198.51.100.7:5062;branch=z9hG4bK2"));
        assertNotEquals("a CANCEL shares its INVITE's branch", k, key("CANCEL", "198.51.100.7:5062;branch=z9hG4bK1"));
        assertNotEquals("another sender", k, key("MESSAGE", "198.51.100.8:5062;branch=z9hG4bK1"));
        assertNotEquals("another port", k, key("MESSAGE", "198.51.100.7:5063;branch=z9hG4bK1"));
        assertNotEquals("a new request of a client that reuses its branch", k,
                AnsweredRequests.key(request("MESSAGE", "198.51.100.7:5062;branch=z9hG4bK1", 2)));
    }

    @Test
    public void anRfc2543RequestIsKeyedByCallFromTagCSeqAndVia() throws Exception {
        long k = key("MESSAGE", "198.51.100.7:5062");
        assertNotEquals("kept", 0, k);
        assertEquals("the same request again", k, key("MESSAGE", "198.51.100.7:5062;received=203.0.113.1"));
        assertNotEquals("another sender", k, key("MESSAGE", "198.51.100.8:5062"));
        assertNotEquals("the next request", k, AnsweredRequests.key(request("MESSAGE", "198.51.100.7:5062", 2)));
        assertNotEquals("an old-style branch counts too", k, key("MESSAGE", "198.51.100.7:5062;branch=old1"));
        String other = "MESSAGE sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5062\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:alice@example.com>\r\n"
                + "Call-ID: another\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        assertNotEquals("another call", k, AnsweredRequests.key((SIPRequest) new StrictMessageParser().parseSIPMessage(
                other.getBytes(StandardCharsets.UTF_8), true, false, null)));
    }

    @Test
    public void whenTheRingComesRoundTheOldestAreForgottenAndTheNewestKept() throws Exception {
        AnsweredRequests kept = new AnsweredRequests(64 << 10);
        int n = 2000; // about 900 KB of entries: more than the ring holds
        for (int i = 0; i < n; i++) kept.put(key("REGISTER", "198.51.100.7;branch=z9hG4bK" + i), answer(i), PHONE, 5060, 1000 + i);
        long now = 1000 + n;
        assertNull("written over", kept.get(key("REGISTER", "198.51.100.7;branch=z9hG4bK0"), now));
        for (int i = n - 120; i < n; i++) {
            AnsweredRequests.Answer a = kept.get(key("REGISTER", "198.51.100.7;branch=z9hG4bK" + i), now);
            assertNotNull("answer " + i, a);
            assertArrayEquals(answer(i), a.bytes());
        }
    }

    @Test
    public void aNewAnswerForTheSameTransactionReplacesTheOld() throws Exception {
        AnsweredRequests kept = new AnsweredRequests(1 << 20);
        long k = key("REGISTER", "198.51.100.7;branch=z9hG4bK1");
        kept.put(k, answer(1), PHONE, 5060, 1000);
        kept.put(k, answer(2), PHONE, 5060, 1001);
        assertArrayEquals(answer(2), kept.get(k, 1002).bytes());
    }
}
