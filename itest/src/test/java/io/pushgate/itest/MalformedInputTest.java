package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Input at the edges of RFC 3261: malformed SIP gets 400 or is dropped and the server goes on
 * serving; large datagrams arrive whole; retransmissions get the same answer for all of Timer J.
 */
public class MalformedInputTest {
    private static final int LINGER_MS = 1500;
    private static PushgateProcess server;

    @BeforeClass
    public static void start() throws Exception {
        server = new PushgateProcess("[router]\nnon-invite-linger-ms = " + LINGER_MS + "\n").start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    private static String exchange(String message, int timeoutMs) throws Exception {
        return exchange(message, timeoutMs, new int[1]);
    }

    /** Sends one datagram and returns the answer, null on none; from[0] is the port it came from. */
    private static String exchange(String message, int timeoutMs, int[] from) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(timeoutMs);
            return sendAndReceive(s, message.replace("PORT", Integer.toString(s.getLocalPort())), from);
        } catch (SocketTimeoutException none) {
            return null;
        }
    }

    private static String sendAndReceive(DatagramSocket s, String message, int[] from) throws Exception {
        byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), server.sipPort));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        from[0] = p.getPort();
        return new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    private static String options(String callId, String cseq) {
        return "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK" + callId + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:probe@example.org>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    public void garbageIsDroppedAndTheServerStillAnswers() throws Exception {
        assertNull(exchange("\u0001\u0002 this is not SIP\r\n\r\n", 1000));
        String ok = exchange(options("alive1", "1 OPTIONS"), 5000);
        assertTrue(ok, ok != null && ok.startsWith("SIP/2.0 200"));
    }

    @Test
    public void badCSeqIsAnswered400() throws Exception {
        String r = exchange(options("badcseq", "one OPTIONS"), 5000);
        assertTrue(String.valueOf(r), r != null && r.startsWith("SIP/2.0 400"));
        String ok = exchange(options("alive2", "1 OPTIONS"), 5000);
        assertEquals("SIP/2.0 200", ok.substring(0, 11));
    }

    @Test
    public void aLargeDatagramArrivesWholeAndIsAnsweredFromTheListeningPort() throws Exception {
        String body = "x".repeat(20000);
        String request = options("large", "1 OPTIONS").replace("Content-Length: 0\r\n\r\n",
                "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        int[] from = new int[1];
        String ok = exchange(request, 5000, from);
        assertTrue(String.valueOf(ok), ok != null && ok.startsWith("SIP/2.0 200"));
        // RFC 3261 section 18.2.2: a response over UDP leaves from the port the request came in on
        assertEquals(server.sipPort, from[0]);
    }

    /** Every TCP port the server opens, its embedded database's included, is on the configured loopback address. */
    @Test
    public void noListeningSocketIsOnAWildcardAddress() throws Exception {
        Process ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
        java.util.List<String> ours = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("pid=" + server.pid() + ",")).toList();
        ss.waitFor();
        assertTrue("found no socket of the server: " + ours, ours.size() >= 3);
        for (String line : ours) {
            String local = line.trim().split("\\s+")[3];
            assertTrue(line, local.startsWith("127.0.0.1:") || local.startsWith("[::ffff:127.0.0.1]:"));
        }
    }

    /**
     * A REGISTER sent again after its answer (its 401 was lost, say) gets that same answer from the
     * finished transaction: the same nonce, where a second challenge would carry a new one. The
     * container's data on the transaction is gone by then (pipeline/FinishedTransactions).
     */
    @Test
    public void aRetransmittedRequestGetsTheSameAnswerFromItsTransaction() throws Exception {
        String[] answers = registerTwice("retrans1", 500);
        assertTrue(answers[0], answers[0].startsWith("SIP/2.0 401"));
        assertEquals(header(answers[0], "WWW-Authenticate"), header(answers[1], "WWW-Authenticate"));
    }

    /**
     * Past [router] non-invite-linger-ms the transaction is gone, but its answer is kept for all of
     * Timer J (runtime/AnsweredRequests): the same REGISTER sent again gets the same challenge,
     * where handling it again would give a new nonce. A new transaction (another branch) does.
     */
    @Test
    public void aRequestRetransmittedPastTheLingerGetsTheSameAnswerWithoutItsTransaction() throws Exception {
        String[] answers = registerTwice("retrans2", LINGER_MS + 1500);
        assertTrue(answers[1], answers[1].startsWith("SIP/2.0 401"));
        assertEquals(header(answers[0], "WWW-Authenticate"), header(answers[1], "WWW-Authenticate"));
        String[] another = sendTwice("REGISTER", "retrans4", LINGER_MS + 1500, "z9hG4bKretrans4b");
        assertTrue(another[1], another[1].startsWith("SIP/2.0 401"));
        assertTrue(another[1], !header(another[0], "WWW-Authenticate").equals(header(another[1], "WWW-Authenticate")));
    }

    /**
     * A MESSAGE stays answered for all of Timer J, past [router] non-invite-linger-ms: handled
     * again, it would be delivered or stored twice. Its retransmission gets the same challenge.
     */
    @Test
    public void aMessageRetransmittedPastTheLingerGetsTheSameAnswerFromItsTransaction() throws Exception {
        String[] answers = sendTwice("MESSAGE", "retrans3", LINGER_MS + 1500);
        assertTrue(answers[0], answers[0].startsWith("SIP/2.0 407"));
        assertEquals(header(answers[0], "Proxy-Authenticate"), header(answers[1], "Proxy-Authenticate"));
    }

    /** The same REGISTER datagram twice, pauseMs apart; returns both answers. */
    private static String[] registerTwice(String callId, int pauseMs) throws Exception {
        return sendTwice("REGISTER", callId, pauseMs);
    }

    /** The same request from alice twice, pauseMs apart; returns both answers. */
    private static String[] sendTwice(String method, String callId, int pauseMs) throws Exception {
        return sendTwice(method, callId, pauseMs, null);
    }

    /** As above, the second time with another branch unless secondBranch is null. */
    private static String[] sendTwice(String method, String callId, int pauseMs, String secondBranch) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(5000);
            String ruri = method.equals("REGISTER") ? "sip:localhost" : "sip:bob@localhost";
            String request = (method + " " + ruri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK" + callId + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:alice@localhost>;tag=r1\r\nTo: <" + ruri.replace("sip:localhost", "sip:alice@localhost")
                    + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 " + method + "\r\nContact: <sip:alice@127.0.0.1:PORT>\r\nContent-Length: 0\r\n\r\n")
                    .replace("PORT", Integer.toString(s.getLocalPort()));
            String first = sendAndReceive(s, request, new int[1]);
            Thread.sleep(pauseMs);
            String again = secondBranch == null ? request : request.replace("branch=z9hG4bK" + callId, "branch=" + secondBranch);
            return new String[] {first, sendAndReceive(s, again, new int[1])};
        }
    }

    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) return line;
        throw new AssertionError("no " + name + " in\n" + message);
    }
}
