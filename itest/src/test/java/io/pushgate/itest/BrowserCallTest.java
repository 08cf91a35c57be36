package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.pushgate.media.NgClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A browser (SIP.js in headless Chromium) registered over WebSocket talks to a sipp phone
 * registered over UDP, through Pushgate and a real rtpengine that bridges DTLS-SRTP/ICE and plain RTP.
 */
public class BrowserCallTest {
    private static Path work;
    private static Rtpengine rtpengine;
    private static PushgateProcess server;
    private static int wsPort;
    private static int wssPort;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-browser");
        Browser.install();
        rtpengine = Rtpengine.start(work, 33000);
        wsPort = PushgateProcess.freePort();
        wssPort = PushgateProcess.freePort();
        Path cert = work.resolve("wss.crt");
        Path key = work.resolve("wss.key");
        MockApns.openssl(work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        server = new PushgateProcess("""
                [server]
                ws-port = %d
                wss-port = %d
                tls-certificate = %s
                tls-key = %s

                [media]
                rtpengine = 127.0.0.1:%d
                """.formatted(wsPort, wssPort, cert, key, rtpengine.ngPort));
        for (String user : new String[] {"web", "web2", "udp"}) assertEquals(0, server.addSubscriber(user, "pw-" + user).exit());
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
        if (rtpengine != null) rtpengine.close();
    }

    private static String page() {
        return "http://127.0.0.1:" + server.httpPort + "/pushgate/webphone/index.html";
    }

    private static void registerUdpPhone(int port) throws Exception {
        server.registerDevice("udp", "<sip:udp@[local_ip]:[local_port]>", port);
    }

    private static Map<String, Object> rtpengine(Map<String, Object> command) throws Exception {
        try (NgClient ng = new NgClient(List.of(new NgClient.Instance(new InetSocketAddress("127.0.0.1", rtpengine.ngPort), 1)),
                500, 1, 1000, System::currentTimeMillis)) {
            return ng.call(command);
        }
    }

    @Test
    public void browserOverWebSocketCallsAPlainSipPhone() throws Exception {
        browserCallsAPlainSipPhone("ws://127.0.0.1:" + wsPort);
    }

    @Test
    public void browserOverSecureWebSocketCallsAPlainSipPhone() throws Exception {
        browserCallsAPlainSipPhone("wss://127.0.0.1:" + wssPort);
    }

    @Test
    public void plainSipPhoneCallsTheBrowserOverItsWebSocket() throws Exception {
        plainSipPhoneCallsTheBrowser("ws://127.0.0.1:" + wsPort);
    }

    @Test
    public void plainSipPhoneCallsTheBrowserOverItsSecureWebSocket() throws Exception {
        plainSipPhoneCallsTheBrowser("wss://127.0.0.1:" + wssPort);
    }

    @Test
    public void browserCallsAnotherBrowserOneOnWebSocketOneOnSecureWebSocket() throws Exception {
        int before = relaySessions();
        try (Browser callee = Browser.start(page(), "ws://127.0.0.1:" + wsPort, "web2", "pw-web2", "127.0.0.1", null, work)) {
            callee.next("registered", 30);
            try (Browser caller = Browser.start(page(), "wss://127.0.0.1:" + wssPort, "web", "pw-web", "127.0.0.1",
                    "sip:web2@127.0.0.1", work)) {
                caller.next("registered", 30);
                // The ws-ws flags (ICE=force-relay DTLS=passive) keep each browser's own candidates and
                // add the relay's as relay-type candidates: two browsers that reach each other connect
                // directly (rtpengine's counters stay at 0 here), and the relay is there when they cannot.
                for (Browser b : List.of(caller, callee)) {
                    String sdp = Browser.field(b.next("established", 30), "remoteSdp");
                    assertTrue(sdp, sdp.contains("UDP/TLS/RTP/SAVPF"));
                    assertTrue(sdp, sdp.contains("a=fingerprint"));
                    assertTrue("the relay's own candidate, as relay type: " + sdp,
                            Pattern.compile("(?i)a=candidate:\\S+ 1 UDP \\d+ 127\\.0\\.0\\.1 330\\d\\d typ relay").matcher(sdp).find());
                }
                for (Browser b : List.of(caller, callee)) awaitMediaBothWays(b);
                assertEquals("the call has its session in the relay", before + 1, relaySessions());
                caller.command("hangup");
                caller.next("hungup", 10);
                callee.command("ended");
                callee.next("ended", 15);
            }
        }
        awaitRelaySessions("BYE deleted the relay session", before);
    }

    @Test
    public void phoneHangsUpOnABrowserThatCalledWithoutRegistering() throws Exception {
        int before = relaySessions();
        int phonePort = PushgateProcess.freePort();
        registerUdpPhone(phonePort);
        // The phone answers, then hangs up: its BYE names the browser's .invalid contact, which no
        // binding knows, so only the connection the browser called over can carry it.
        Sipp.Running phone = Sipp.start(work, Sipp.scenario(
                "<recv request=\"INVITE\" rrs=\"true\"/>",
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"><action><ereg regexp=\"tag=([^;>\\r\\n]+)\" search_in=\"hdr\" header=\"From:\" "
                        + "assign_to=\"whole,callerTag\"/></action></recv>",
                Sipp.pause(2000),
                Sipp.send("""
                        BYE [next_url] SIP/2.0
                        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                        [routes]
                        Max-Forwards: 70
                        From: <sip:udp@127.0.0.1>;tag=[pid]s[call_number]
                        To: <sip:web@127.0.0.1>;tag=[$callerTag]
                        [last_Call-ID:]
                        CSeq: 1 BYE
                        Content-Length: 0
                        """),
                Sipp.recv(200)), null, phonePort, "-rtp_echo", "-mp", Integer.toString(PushgateProcess.freeMediaPort()));
        try (Browser browser = Browser.callWithoutRegistering(page(), "ws://127.0.0.1:" + wsPort, "web", "pw-web", "127.0.0.1",
                "sip:udp@127.0.0.1", work)) {
            browser.next("connected", 30);
            browser.next("established", 30);
            browser.command("ended");
            browser.next("ended", 15);
        }
        server.assertPassed(phone.await());
        awaitRelaySessions("the phone's BYE deleted the relay session", before);
    }

    /** Asks the browser for its media counters until it has sent and received more than 20 packets. */
    private static void awaitMediaBothWays(Browser b) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        String stats;
        do {
            b.command("stats");
            stats = b.next("stats", 10);
            if (Integer.parseInt(Browser.field(stats, "sent")) > 20 && Integer.parseInt(Browser.field(stats, "received")) > 20) return;
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("media both ways: " + stats);
    }

    /** Waits until rtpengine holds {@code expected} sessions (a BYE's delete is answered after the BYE). */
    private static void awaitRelaySessions(String what, int expected) throws InterruptedException {
        Await.until(what, 10, () -> {
            try {
                return relaySessions() == expected;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static int relaySessions() throws Exception {
        return ((List<?>) rtpengine(Map.of("command", "list")).get("calls")).size();
    }

    /**
     * rtpengine's own counters for the calls it relays: per call, the packets it received from each
     * side (each tag's streams). Media flows both ways when both sides of one call have sent some.
     */
    private static void assertRelayCountsPacketsBothWays() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Object callId : (List<?>) rtpengine(Map.of("command", "list")).get("calls")) {
            Map<String, Object> q = rtpengine(Map.of("command", "query", "call-id", callId));
            assertEquals(q.toString(), "ok", q.get("result"));
            List<Long> perSide = new ArrayList<>();
            for (Object tag : ((Map<?, ?>) q.get("tags")).values()) {
                long packets = 0;
                for (Object media : (List<?>) ((Map<?, ?>) tag).get("medias")) {
                    for (Object stream : (List<?>) ((Map<?, ?>) media).get("streams")) {
                        packets += (Long) ((Map<?, ?>) ((Map<?, ?>) stream).get("stats")).get("packets");
                    }
                }
                perSide.add(packets);
            }
            seen.add(callId + "=" + perSide + " " + q);
            if (perSide.size() == 2 && perSide.stream().allMatch(n -> n > 20)) return;
        }
        fail("rtpengine's query shows no call with more than 20 packets from each side: " + seen);
    }

    private void browserCallsAPlainSipPhone(String url) throws Exception {
        int before = relaySessions();
        int phonePort = PushgateProcess.freePort();
        registerUdpPhone(phonePort);
        // The UDP phone must be offered plain RTP without ICE, and echoes the media it gets.
        Sipp.Running phone = Sipp.start(work, Sipp.scenario(
                "<recv request=\"INVITE\" rrs=\"true\"><action>"
                        + "<ereg regexp=\"m=audio [0-9]+ RTP/AVP \" search_in=\"body\" check_it=\"true\" assign_to=\"avp\"/>"
                        + "<ereg regexp=\"a=(ice-ufrag|candidate|fingerprint)\" search_in=\"body\" check_it_inverse=\"true\" assign_to=\"ice\"/>"
                        + "</action></recv>",
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"/>",
                "<recv request=\"BYE\"/>",
                Calls.okToLastRequest(),
                "<timewait milliseconds=\"500\"/>"), null, phonePort, "-rtp_echo", "-mp", Integer.toString(PushgateProcess.freeMediaPort()));
        try (Browser browser = Browser.start(page(), url, "web", "pw-web", "127.0.0.1", "sip:udp@127.0.0.1", work)) {
            browser.next("registered", 30);
            String sdp = Browser.field(browser.next("established", 30), "remoteSdp");
            assertTrue(sdp, sdp.contains("UDP/TLS/RTP/SAVPF"));
            assertTrue(sdp, sdp.contains("a=candidate"));
            assertTrue(sdp, sdp.contains("a=fingerprint"));

            awaitMediaBothWays(browser); // the browser's media, and the phone's echo back through the relay

            assertEquals("the call has its session in the relay", before + 1, relaySessions());
            assertRelayCountsPacketsBothWays();
            browser.command("hangup");
            browser.next("hungup", 10);
        }
        server.assertPassed(phone.await());
        awaitRelaySessions("BYE deleted the relay session", before);
        assertFalse(PushgateProcess.tail(server.log()), server.log().contains("Exception"));
    }

    private void plainSipPhoneCallsTheBrowser(String url) throws Exception {
        int before = relaySessions();
        try (Browser browser = Browser.start(page(), url, "web", "pw-web", "127.0.0.1", null, work)) {
            browser.next("registered", 30);
            Sipp.Running caller = Sipp.start(work, Calls.authenticatedCaller("udp", "pw-udp", "web", 4000), server.uri(),
                    PushgateProcess.freePort(), "-rtp_echo", "-mp", Integer.toString(PushgateProcess.freeMediaPort()));
            // The INVITE reached the browser over its own connection: its contact (an .invalid host) is not routable.
            String sdp = Browser.field(browser.next("established", 30), "remoteSdp");
            assertTrue("the browser is offered WebRTC media: " + sdp, sdp.contains("UDP/TLS/RTP/SAVPF"));
            assertTrue(sdp, sdp.contains("a=candidate"));
            assertTrue(sdp, sdp.contains("a=fingerprint"));
            awaitMediaBothWays(browser);
            assertRelayCountsPacketsBothWays(); // before the caller's BYE at 4 s
            server.assertPassed(caller.await());
            assertTrue("the caller got plain RTP without ICE in the 200", !caller.await().messages().contains("a=ice-ufrag"));
            browser.command("ended");
            browser.next("ended", 15);
        }
        awaitRelaySessions("the caller's BYE deleted the relay session", before);
    }
}
