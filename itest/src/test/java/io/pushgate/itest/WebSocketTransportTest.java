package io.pushgate.itest;

import static io.pushgate.itest.Requests.request;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** SIP over a WebSocket (RFC 7118) from a JDK WebSocket client: a binding lives as long as its connection. */
public class WebSocketTransportTest {
    private static PushgateProcess server;
    private static int wsPort;

    @BeforeClass
    public static void start() throws Exception {
        wsPort = PushgateProcess.freePort();
        server = new PushgateProcess("""
                [server]
                ws-port = %d
                """.formatted(wsPort));
        assertEquals(0, server.addSubscriber("wsphone", "pw-ws").exit());
        assertEquals(0, server.addSubscriber("deskphone", "pw-deskphone").exit());
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** A SIP client on one WebSocket: each text frame is one message. */
    private static final class WsSip implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final WebSocket ws;

        WsSip(String url) throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip").buildAsync(URI.create(url), this)
                    .get(5, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        String exchange(String message) throws Exception {
            ws.sendText(message.replace("\n", "\r\n"), true).get(5, TimeUnit.SECONDS);
            String got = received.poll(5, TimeUnit.SECONDS);
            assertNotNull("no answer to " + message.lines().findFirst().orElse(""), got);
            return got;
        }
    }

    private static String register(int cseq, String authorization) {
        return """
                REGISTER sip:127.0.0.1 SIP/2.0
                Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws%1$d
                Max-Forwards: 70
                From: <sip:wsphone@127.0.0.1>;tag=ws1
                To: <sip:wsphone@127.0.0.1>
                Call-ID: ws-register-1
                CSeq: %1$d REGISTER
                Contact: <sip:k3l2j1@df7jal23ls0d.invalid;transport=ws>
                Expires: 600
                %2$sContent-Length: 0

                """.formatted(cseq, authorization);
    }

    /** Registers over the connection, answering the digest challenge; returns the 200. */
    private static String registerAuthenticated(WsSip c) throws Exception {
        String challenge = c.exchange(register(1, ""));
        assertTrue(challenge, challenge.startsWith("SIP/2.0 401 "));
        String auth = Requests.digest(challenge, "REGISTER", "sip:127.0.0.1", "wsphone", "pw-ws", 1);
        return c.exchange(register(2, auth));
    }

    @Test
    public void closingTheConnectionRemovesItsBindings() throws Exception {
        WsSip phone = new WsSip("ws://127.0.0.1:" + wsPort);
        String ok = registerAuthenticated(phone);
        assertTrue(ok, ok.startsWith("SIP/2.0 200 "));
        assertTrue(ok, ok.contains("df7jal23ls0d.invalid"));

        assertEquals("stored", 1, server.storedContacts("wsphone").size());
        phone.ws.abort();

        // The binding goes with the connection, from the store: the user is then simply unregistered
        // (480), where a stale binding would send the call toward a connection that no longer exists.
        Await.until("the closed connection's binding is gone from the store", 10, () -> server.storedContacts("wsphone").isEmpty());
        server.sipp(
                send(request("INVITE", "sip:wsphone@127.0.0.1", "sip:eve@example.org", "sip:wsphone@127.0.0.1", 70, null)),
                Sipp.optional(100),
                recv(480, "SIP/2.0 480 Temporarily Unavailable"),
                Sipp.ackNon2xx("sip:wsphone@127.0.0.1"));
    }

    /** A final response to a request received over the WebSocket, with its dialog-identifying headers. */
    private static String answer(String request, int status, String reason) {
        StringBuilder r = new StringBuilder("SIP/2.0 " + status + " " + reason + "\n");
        for (String line : request.split("\r\n")) {
            if (line.isEmpty()) break;
            if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("Call-ID:") || line.startsWith("CSeq:")) r.append(line).append('\n');
            // a request inside a dialog already carries our tag in its To
            if (line.startsWith("To:")) r.append(line).append(line.contains(";tag=") ? "" : ";tag=wsbusy").append('\n');
        }
        return r.append("Content-Length: 0\n\n").toString();
    }

    @Test
    public void whileTheConnectionIsOpenCallsTravelOverIt() throws Exception {
        WsSip phone = new WsSip("ws://127.0.0.1:" + wsPort);
        try {
            String ok = registerAuthenticated(phone);
            assertTrue(ok, ok.startsWith("SIP/2.0 200 "));
            Sipp.Running caller = Sipp.start(server.dir, Sipp.scenario(
                    send(request("INVITE", "sip:wsphone@127.0.0.1", "sip:eve@example.org", "sip:wsphone@127.0.0.1", 70, null)),
                    Sipp.optional(100),
                    recv(486, "SIP/2.0 486 Busy Here"),
                    Sipp.ackNon2xx("sip:wsphone@127.0.0.1")), server.uri(), PushgateProcess.freePort());
            String invite = phone.received.poll(10, TimeUnit.SECONDS);
            assertNotNull("the INVITE did not come over the WebSocket", invite);
            // the Request-URI names the connection's address (the contact's .invalid host cannot be reached)
            assertTrue(invite, invite.startsWith("INVITE sip:k3l2j1@127.0.0.1:"));
            phone.ws.sendText(answer(invite, 486, "Busy Here").replace("\n", "\r\n"), true).get(5, TimeUnit.SECONDS);
            server.assertPassed(caller.await());
        } finally {
            phone.ws.abort();
        }
    }

    /** The headers of a message (before the blank line), by lower-case name, in order. */
    private static java.util.List<String> headers(String message, String name) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) break;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) values.add(line.substring(colon + 1).trim());
        }
        return values;
    }

    @Test
    public void aCallerThatNeitherRegisteredNorAskedForOutboundStillGetsTheHangUp() throws Exception {
        // A WebSocket client whose Contact has no ";ob" (RFC 5626) and that never registered: the
        // desk phone's BYE names its .invalid contact, and only the connection can carry it.
        int deskPort = PushgateProcess.freePort();
        server.registerDevice("deskphone", "<sip:deskphone@[local_ip]:[local_port]>", deskPort);
        Sipp.Running desk = Sipp.start(server.dir, Sipp.scenario(
                "<recv request=\"INVITE\" rrs=\"true\"/>",
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"/>",
                Sipp.pause(500),
                send("""
                        BYE [next_url] SIP/2.0
                        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                        [routes]
                        Max-Forwards: 70
                        From: <sip:deskphone@127.0.0.1>;tag=[pid]s[call_number]
                        To: <sip:eve@example.org>;tag=noob
                        [last_Call-ID:]
                        CSeq: 1 BYE
                        Content-Length: 0
                        """),
                recv(200)), null, deskPort);
        WsSip caller = new WsSip("ws://127.0.0.1:" + wsPort);
        try {
            String sdp = Calls.audioSdp("eve").replace("\n", "\r\n");
            caller.ws.sendText(("""
                    INVITE sip:deskphone@127.0.0.1 SIP/2.0
                    Via: SIP/2.0/WS a8n2x0.invalid;branch=z9hG4bKnoob1
                    Max-Forwards: 70
                    From: <sip:eve@example.org>;tag=noob
                    To: <sip:deskphone@127.0.0.1>
                    Call-ID: ws-noob-1
                    CSeq: 1 INVITE
                    Contact: <sip:eve@a8n2x0.invalid;transport=ws>
                    Content-Type: application/sdp
                    Content-Length: %d

                    """.formatted(sdp.length())).replace("\n", "\r\n") + sdp, true).get(5, TimeUnit.SECONDS);
            String ok = null;
            for (String r; ok == null && (r = caller.received.poll(10, TimeUnit.SECONDS)) != null; ) {
                if (r.startsWith("SIP/2.0 200 ")) ok = r;
            }
            assertNotNull("no 200 for the INVITE", ok);
            StringBuilder routes = new StringBuilder();
            for (String rr : headers(ok, "Record-Route")) for (String one : rr.split(",")) routes.append("Route: ").append(one.trim()).append("\r\n");
            String contact = headers(ok, "Contact").get(0).replaceAll("^.*<([^>]+)>.*$", "$1");
            String to = headers(ok, "To").get(0);
            caller.ws.sendText("ACK " + contact + " SIP/2.0\r\nVia: SIP/2.0/WS a8n2x0.invalid;branch=z9hG4bKnoob2\r\n" + routes
                    + "Max-Forwards: 70\r\nFrom: <sip:eve@example.org>;tag=noob\r\nTo: " + to
                    + "\r\nCall-ID: ws-noob-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", true).get(5, TimeUnit.SECONDS);
            String bye = caller.received.poll(10, TimeUnit.SECONDS);
            assertNotNull("the desk phone's BYE did not come over the WebSocket", bye);
            assertTrue(bye, bye.startsWith("BYE "));
            caller.ws.sendText(answer(bye, 200, "OK").replace("\n", "\r\n"), true).get(5, TimeUnit.SECONDS);
            server.assertPassed(desk.await());
        } finally {
            caller.ws.abort();
        }
    }
}
