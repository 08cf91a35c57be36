package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.media.NgClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        work = Files.createTempDirectory("pushgate-browser");
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
        for (String user : new String[] {"web", "web2", "udp"}) assertEquals(0, server.command("subscriber", "add", user, "pw-" + user).exit());
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
        server.assertPassed(Sipp.start(work, Sipp.scenario(
                Sipp.send(Requests.register("udp", 1, "<sip:udp@[local_ip]:[local_port]>", "600", "")), Sipp.recv(401),
                Sipp.send(Requests.register("udp", 2, "<sip:udp@[local_ip]:[local_port]>", "600", Requests.auth("udp", "pw-udp"))),
                Sipp.recv(200)), server.uri(), port).await());
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
                // both sides get WebRTC media from the relay (the ws-ws flags: ICE=force-relay DTLS=passive)
                for (Browser b : List.of(caller, callee)) {
                    String sdp = Browser.field(b.next("established", 30), "remoteSdp");
                    assertTrue(sdp, sdp.contains("UDP/TLS/RTP/SAVPF"));
                    assertTrue(sdp, sdp.contains("a=candidate"));
                    assertTrue(sdp, sdp.contains("a=fingerprint"));
                    assertTrue("the relay's own candidate: " + sdp, sdp.contains("a=candidate") && sdp.contains("127.0.0.1"));
                }
                Thread.sleep(3000);
                for (Browser b : List.of(caller, callee)) {
                    b.command("stats");
                    String stats = b.next("stats", 10);
                    assertTrue("media both ways through the relay: " + stats, Integer.parseInt(Browser.field(stats, "sent")) > 20
                            && Integer.parseInt(Browser.field(stats, "received")) > 20);
                }
                assertEquals("the call has its session in the relay", before + 1, relaySessions());
                caller.command("hangup");
                caller.next("hungup", 10);
                callee.command("ended");
                callee.next("ended", 15);
            }
        }
        Thread.sleep(500);
        assertEquals("BYE deleted the relay session", before, relaySessions());
    }

    private static int relaySessions() throws Exception {
        return ((List<?>) rtpengine(Map.of("command", "list")).get("calls")).size();
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
        Thread.sleep(300);
        try (Browser browser = Browser.start(page(), url, "web", "pw-web", "127.0.0.1", "sip:udp@127.0.0.1", work)) {
            browser.next("registered", 30);
            String sdp = Browser.field(browser.next("established", 30), "remoteSdp");
            assertTrue(sdp, sdp.contains("UDP/TLS/RTP/SAVPF"));
            assertTrue(sdp, sdp.contains("a=candidate"));
            assertTrue(sdp, sdp.contains("a=fingerprint"));

            Thread.sleep(3000);
            browser.command("stats");
            String stats = browser.next("stats", 10);
            assertTrue("the browser sends media: " + stats, Integer.parseInt(Browser.field(stats, "sent")) > 20);
            assertTrue("and gets the phone's echo back through the relay: " + stats, Integer.parseInt(Browser.field(stats, "received")) > 20);

            assertEquals("the call has its session in the relay", before + 1, relaySessions());
            browser.command("hangup");
            browser.next("hungup", 10);
        }
        server.assertPassed(phone.await());
        Thread.sleep(500);
        assertEquals("BYE deleted the relay session", before, relaySessions());
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
            Thread.sleep(2500);
            browser.command("stats");
            String stats = browser.next("stats", 10);
            assertTrue("media both ways: " + stats, Integer.parseInt(Browser.field(stats, "sent")) > 20
                    && Integer.parseInt(Browser.field(stats, "received")) > 20);
            server.assertPassed(caller.await());
            assertTrue("the caller got plain RTP without ICE in the 200", !caller.await().messages().contains("a=ice-ufrag"));
            browser.command("ended");
            browser.next("ended", 15);
        }
        Thread.sleep(500);
        assertEquals("the caller's BYE deleted the relay session", before, relaySessions());
    }
}
