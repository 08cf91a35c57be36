package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;
import org.junit.After;
import org.junit.Test;

/**
 * The SIP listeners open before the application is deployed and stay open while it stops. A
 * phone registering in between must be told to try again (503 with Retry-After), never 404,
 * which it would take as final: REGISTERs are sent from the first moment the port answers until
 * the server challenges them, and again from the moment it is asked to stop until it is gone.
 */
public class ServiceWindowTest {
    private PushgateProcess server;

    @After
    public void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    public void fromTheFirstAnswerToTheLastEveryRefusalIsA503WithRetryAfter() throws Exception {
        server = new PushgateProcess("[server]\nstop-grace = 3\n");
        assertEquals(0, server.addSubscriber("alice", "pw-alice").exit());
        server.launch();
        Map<String, Integer> starting = new TreeMap<>();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            long deadline = System.currentTimeMillis() + 90_000;
            String answer = null;
            for (int i = 0; System.currentTimeMillis() < deadline; i++) {
                answer = register(s, "start" + i);
                if (answer == null) continue;
                starting.merge(statusOf(answer), 1, Integer::sum);
                if (answer.startsWith("SIP/2.0 401")) break;
                assertTrue("while starting: " + answer, answer.startsWith("SIP/2.0 503") && answer.contains("\r\nRetry-After: "));
            }
            assertTrue("answered " + starting, answer != null && answer.startsWith("SIP/2.0 401"));
            assertTrue("the port answered before the application was ready: " + starting, starting.containsKey("503"));

            server.requestStop();
            Map<String, Integer> stopping = new TreeMap<>();
            for (int i = 0; server.alive(); i++) {
                answer = register(s, "stop" + i);
                if (answer == null) continue;
                stopping.merge(statusOf(answer), 1, Integer::sum);
                assertTrue("while stopping: " + answer + " after " + stopping,
                        answer.startsWith("SIP/2.0 503") && answer.contains("\r\nRetry-After: ") || answer.startsWith("SIP/2.0 401"));
            }
            assertTrue("the server answered while stopping: " + stopping, stopping.containsKey("503"));
        }
    }

    private String register(DatagramSocket s, String callId) throws Exception {
        String request = ("REGISTER sip:localhost SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";rport;branch=z9hG4bK" + callId
                + "\r\nMax-Forwards: 70\r\nFrom: <sip:alice@localhost>;tag=" + callId + "\r\nTo: <sip:alice@localhost>\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:" + s.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n");
        return UdpRequests.finalAnswer(s, request, server.sipPort, 200, a -> a.contains("\r\nCall-ID: " + callId + "\r\n"));
    }

    private static String statusOf(String answer) {
        return answer.substring(8, 11);
    }
}
