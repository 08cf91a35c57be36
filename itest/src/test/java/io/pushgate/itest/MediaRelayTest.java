package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.media.NgClient;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/** Calls through Pushgate anchored in a real rtpengine: SDP rewritten both ways, session deleted on BYE. */
public class MediaRelayTest {
    private static final int MEDIA_MIN = 31000 + (int) (ProcessHandle.current().pid() % 50) * 100;
    private PushgateProcess server;
    private Rtpengine rtpengine;

    @After
    public void tearDown() throws Exception {
        if (server != null) server.close();
        if (rtpengine != null) rtpengine.close();
    }

    private void start(String rtpengineAddress, String extra) throws Exception {
        server = new PushgateProcess("""
                [media]
                rtpengine = %s
                timeout-ms = 200
                retries = 1
                %s
                """.formatted(rtpengineAddress, extra));
        for (String user : new String[] {"alice", "bob"}) {
            assertEquals(0, server.addSubscriber(user, "pw-" + user).exit());
        }
        server.start();
    }

    @Test
    public void plainCallIsAnchoredAndDeletedOnBye() throws Exception {
        Sipp.Running device = relayAndAnsweringDevice();
        Sipp.Result caller = Sipp.run(server.dir, Calls.authenticatedCaller("alice", "pw-alice", "bob"), server.uri());
        Sipp.Result callee = device.await();
        server.assertPassed(caller);
        server.assertPassed(callee);

        assertRelayed("the device is offered rtpengine's address", callee.messages(), "INVITE");
        assertRelayed("the caller gets rtpengine's address in the 200", caller.messages(), "SIP/2.0 200");
        assertNoRelaySession();
    }

    @Test
    public void lateSdpIsAnchoredWithTheOfferInThe200AndTheAnswerInTheAck() throws Exception {
        Sipp.Running device = relayAndAnsweringDevice();
        String invite = aliceInvite(null);
        String inDialog = """
                %1$s [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                [routes]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:bob@[remote_ip]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: %2$d %1$s
                """;
        Sipp.Result caller = Sipp.run(server.dir, Sipp.scenario(
                Sipp.send(invite.formatted(1, "")), Sipp.optional(100), Sipp.recv(407),
                Sipp.ackNon2xx("sip:bob@[remote_ip]:[remote_port]"),
                Sipp.send(invite.formatted(2, "[authentication username=alice password=pw-alice]")),
                Sipp.optional(100), Sipp.optional(180),
                "<recv response=\"200\" rrs=\"true\"/>",
                // the ACK answers the offer of the 200
                Sipp.sendOnce(inDialog.formatted("ACK", 2) + "Content-Type: application/sdp\nContent-Length: [len]\n\n" + Calls.audioSdp("alice")),
                Sipp.pause(300),
                Sipp.send(inDialog.formatted("BYE", 3) + "Content-Length: 0\n"),
                Sipp.recv(200)), server.uri());
        Sipp.Result callee = device.await();
        server.assertPassed(caller);
        server.assertPassed(callee);

        assertRelayed("the caller gets the callee's offer from rtpengine's address", caller.messages(), "SIP/2.0 200");
        assertRelayed("the callee gets the caller's answer in the ACK from rtpengine's address", callee.messages(), "ACK");
        assertNoRelaySession();
    }

    @Test
    public void unreachableRelayRefusesTheCallWith503() throws Exception {
        start("127.0.0.1:" + PushgateProcess.freePort(), "");
        registerBob(PushgateProcess.freePort());
        aliceCallsBobAndGets(Sipp.recv(503, "Media Relay Unavailable"));
        assertTrue(server.log().contains("refused, no media relay"));
    }

    @Test
    public void aCallNoDeviceCanTakeLeavesNoRelaySession() throws Exception {
        rtpengine = Rtpengine.start(TestDirs.create("pushgate-media"), MEDIA_MIN);
        start("127.0.0.1:" + rtpengine.ngPort, "");
        // bob's only device registered over TCP and went away: the offer is made, then no branch can be sent
        server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port];transport=tcp>", PushgateProcess.freePort(), "-t", "t1");
        aliceCallsBobAndGets(Sipp.recv(480, "Reason: *SIP;cause=503"));
        assertTrue(server.log().contains("a branch could not be sent"));
        assertNoRelaySession();
    }

    /** alice calls bob with SDP, answers the 407, and expects {@code finalAnswer}, a failure she acknowledges. */
    private void aliceCallsBobAndGets(String finalAnswer) throws Exception {
        String invite = aliceInvite(Calls.audioSdp("alice"));
        server.sipp(
                Sipp.send(invite.formatted(1, "")), Sipp.optional(100), Sipp.recv(407),
                Sipp.ackNon2xx("sip:bob@[remote_ip]:[remote_port]"),
                Sipp.send(invite.formatted(2, Requests.auth("alice", "pw-alice"))), Sipp.optional(100),
                finalAnswer,
                Sipp.ackNon2xx("sip:bob@[remote_ip]:[remote_port]").replace("CSeq: 1 ACK", "CSeq: 2 ACK"));
    }

    /** A real rtpengine, Pushgate anchoring in it, and bob's device registered and waiting to answer one call. */
    private Sipp.Running relayAndAnsweringDevice() throws Exception {
        rtpengine = Rtpengine.start(TestDirs.create("pushgate-media"), MEDIA_MIN);
        start("127.0.0.1:" + rtpengine.ngPort, "");
        int devicePort = PushgateProcess.freePort();
        registerBob(devicePort);
        Sipp.Running device = Sipp.start(server.dir, Calls.uas(), null, devicePort);
        return device;
    }

    /** bob registers with digest auth from {@code port}, where his device will listen. */
    private void registerBob(int port) throws Exception {
        server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", port);
    }

    /**
     * alice's INVITE to bob; formatted with the CSeq and an extra header line (Proxy-Authorization
     * or nothing). {@code sdp} null sends no body (late SDP).
     */
    private static String aliceInvite(String sdp) {
        String head = """
                INVITE sip:bob@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:bob@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %d INVITE
                Contact: <sip:alice@[local_ip]:[local_port]>
                %s
                """;
        return sdp == null ? head + "Content-Length: 0\n" : head + "Content-Type: application/sdp\nContent-Length: [len]\n\n" + sdp;
    }

    /** Shortly after the call ended rtpengine holds no session: the call's was deleted. */
    private void assertNoRelaySession() throws Exception {
        try (NgClient ng = new NgClient(List.of(new NgClient.Instance(new InetSocketAddress("127.0.0.1", rtpengine.ngPort), 1)),
                500, 1, 1000, System::currentTimeMillis)) {
            Await.until("the call's session was deleted", 10, () -> {
                try {
                    return List.of().equals(ng.call(Map.of("command", "list")).get("calls"));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** The SDP of the first message starting with {@code start} has rtpengine's port, not sipp's own. */
    private static void assertRelayed(String what, String messages, String start) {
        int at = messages.indexOf("\n" + start);
        assertTrue(what + ": no " + start + " in\n" + messages, at >= 0);
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(messages.substring(at));
        assertTrue(what + ": no SDP", m.find());
        int port = Integer.parseInt(m.group(1));
        assertTrue(what + ": port " + port, port >= MEDIA_MIN && port < MEDIA_MIN + 100);
    }
}
