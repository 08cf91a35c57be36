package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static io.pushgate.itest.Requests.request;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.scenario;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Proxy routing seen by real UAs (sipp): refusals with the right status, and a whole call through the proxy. */
public class ProxyTest {
    private static PushgateProcess server;
    /** Where the alias "helpdesk" points: a UA of another domain (127.0.0.2 is not one of the server's names). */
    private static int deskPort;

    @BeforeClass
    public static void start() throws Exception {
        // RFC 3261's Timer J: the unsubscribe below is sent again past the default 5 s linger
        server = new PushgateProcess("[router]\nnon-invite-linger-ms = 32000\n");
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "fred", "gwen", "hugo", "ivy"}) {
            assertTrue(server.addSubscriber(user, "pw-" + user).exit() == 0);
        }
        assertTrue(server.command("alias", "add", "5551234", "bob").exit() == 0);
        deskPort = PushgateProcess.freePort();
        assertTrue(server.command("alias", "add", "helpdesk", "sip:desk@127.0.0.2:" + deskPort).exit() == 0);
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** Sends one INVITE from outside (foreign From) and expects a final status; the non-2xx is acknowledged. */
    private void inviteExpecting(String ruri, String from, int maxForwards, String extraHeaders, int status, String reason) throws Exception {
        server.sipp(
                send(request("INVITE", ruri, from, ruri, maxForwards, extraHeaders)),
                Sipp.optional(100),
                recv(status, "SIP/2.0 " + status + " " + reason),
                Sipp.ackNon2xx(ruri));
    }

    @Test
    public void exhaustedMaxForwardsIs483() throws Exception {
        inviteExpecting("sip:alice@127.0.0.1", "sip:eve@example.org", 0, null, 483, "Too Many Hops");
    }

    @Test
    public void foreignToForeignIs403NoOpenRelay() throws Exception {
        inviteExpecting("sip:someone@example.net", "sip:eve@example.org", 70, null, 403, "Relaying Denied");
    }

    @Test
    public void preloadedRouteFromOutsideIs403() throws Exception {
        inviteExpecting("sip:alice@127.0.0.1", "sip:eve@example.org", 70, "Route: <sip:192.0.2.7;lr>", 403, "Preloaded Route Denied");
    }

    @Test
    public void requestUriWithoutUserIs484() throws Exception {
        inviteExpecting("sip:127.0.0.1", "sip:eve@example.org", 70, null, 484, "Address Incomplete");
    }

    @Test
    public void unknownUserIs404() throws Exception {
        inviteExpecting("sip:nobody@127.0.0.1", "sip:eve@example.org", 70, null, 404, "Not Found");
    }

    @Test
    public void knownButUnregisteredUserIs480() throws Exception {
        inviteExpecting("sip:carol@127.0.0.1", "sip:eve@example.org", 70, null, 480, "Temporarily Unavailable");
    }

    @Test
    public void localCallerWithoutCredentialsIs407() throws Exception {
        inviteExpecting("sip:carol@127.0.0.1", "sip:alice@127.0.0.1", 70, null, 407, "Proxy Authentication Required");
    }

    @Test
    public void optionsToTheServerItselfIsAnswered() throws Exception {
        server.sipp(
                send(request("OPTIONS", "sip:127.0.0.1", "sip:probe@example.org", "sip:127.0.0.1", 70, null)),
                recv(200));
    }

    @Test
    public void callReachesRegisteredDeviceAndCompletesThroughRecordRoute() throws Exception {
        placeCall(server, "bob", "bob");
    }

    @Test
    public void aliasIsRewrittenToItsSubscriber() throws Exception {
        placeCall(server, "bob", "5551234");
    }

    @Test
    public void anAliasToAnotherDomainIsRelayedThere() throws Exception {
        Sipp.Running desk = Sipp.start(server.dir, Calls.uas(), null, deskPort, "-i", "127.0.0.2");
        Sipp.Result caller = Sipp.run(server.dir, Calls.authenticatedCaller("alice", "pw-alice", "helpdesk"), server.uri());
        server.assertPassed(caller);
        server.assertPassed(desk.await());
    }

    /** The contact names a private address nothing here listens on; the REGISTER came from 127.0.0.1:devicePort. */
    @Test
    public void aDeviceBehindNatIsCalledAtTheAddressItRegisteredFrom() throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("hugo", "<sip:hugo@10.255.0.7:5060>", devicePort);
        placeCallToRegistered(server, devicePort, "hugo");
    }

    /**
     * A BYE or re-INVITE with a To tag that no dialog here matches, for someone else: the container
     * would relay it there statelessly (an open relay). It gets 481, and nothing reaches the target.
     */
    @Test
    public void anInDialogRequestForNoDialogHereIsNotRelayed() throws Exception {
        try (java.net.DatagramSocket target = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            String ruri = "sip:victim@127.0.0.1:" + target.getLocalPort();
            for (String method : new String[] {"BYE", "INVITE"}) {
                String forged = request(method, ruri, "sip:eve@example.org", "sip:victim@127.0.0.1", 70, null)
                        .replace("To: <sip:victim@127.0.0.1>", "To: <sip:victim@127.0.0.1>;tag=forged");
                if (method.equals("BYE")) server.sipp(send(forged), recv(481));
                else server.sipp(send(forged), Sipp.optional(100), recv(481), Sipp.ackNon2xx(ruri));
            }
            target.setSoTimeout(1000);
            try {
                target.receive(new java.net.DatagramPacket(new byte[2048], 2048));
                throw new AssertionError("a forged in-dialog request was relayed to its target");
            } catch (java.net.SocketTimeoutException nothing) {
                // nothing relayed
            }
        }
    }

    /** Two devices on one port, registered lowest q first: the branch to the higher q must leave first. */
    @Test
    public void forkedBranchesLeaveHighestQFirst() throws Exception {
        int port = PushgateProcess.freePort();
        server.registerDevice("ivy", "<sip:ivy-low@[local_ip]:[local_port]>;q=0.5", port);
        server.registerDevice("ivy", "<sip:ivy-high@[local_ip]:[local_port]>;q=1.0", port);
        try (java.net.DatagramSocket device = new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Void> caller = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    inviteExpecting("sip:ivy@127.0.0.1", "sip:eve@example.org", 70, null, 486, "Busy Here");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            java.util.List<String> arrived = new java.util.ArrayList<>();
            device.setSoTimeout(10_000);
            while (arrived.size() < 2) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65535], 65535);
                device.receive(p);
                String m = new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!m.startsWith("INVITE ")) continue;
                arrived.add(m.substring(7, m.indexOf('@')));
                byte[] busy = busyAnswer(m).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                device.send(new java.net.DatagramPacket(busy, busy.length, p.getSocketAddress()));
            }
            assertEquals(java.util.List.of("sip:ivy-high", "sip:ivy-low"), arrived);
            caller.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** 486 to an INVITE: its Vias, From, Call-ID and CSeq, the To with a tag. */
    private static String busyAnswer(String invite) {
        StringBuilder r = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
        for (String line : invite.split("\r\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).strip().toLowerCase() : "";
            if (java.util.List.of("via", "v", "from", "f", "call-id", "i", "cseq").contains(name)) r.append(line).append("\r\n");
            if (name.equals("to") || name.equals("t")) r.append(line).append(";tag=busy\r\n");
            if (line.isEmpty()) break;
        }
        return r.append("Content-Length: 0\r\n\r\n").toString();
    }


    @Test
    public void aDeviceThatCannotBeReachedDoesNotKeepTheOthersFromRinging() throws Exception {
        // carol's first device (highest q, so forked to first) registered over TCP and went away:
        // its connection is closed, so the branch toward it fails as it is sent
        server.registerDevice("carol", "<sip:carol@[local_ip]:[local_port];transport=tcp>;q=1.0", PushgateProcess.freePort(), "-t", "t1");
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("carol", "<sip:carol@[local_ip]:[local_port]>;q=0.5", devicePort);
        // the device that is still there rings and answers
        placeCallToRegistered(server, devicePort, "carol");
        assertTrue(PushgateProcess.tail(server.log()), server.log().contains("a branch could not be sent, starting the others"));
    }

    @Test
    public void whenNoDeviceCanBeReachedTheCallerHearsAtOnce() throws Exception {
        // dave's only device registered over TCP and went away: the one branch fails as it is sent
        server.registerDevice("dave", "<sip:dave@[local_ip]:[local_port];transport=tcp>", PushgateProcess.freePort(), "-t", "t1");
        // well before the 30 s branch timer, which is what the caller waited for before
        String answered = recv(480, "SIP/2.0 480 Temporarily Unavailable", "Reason: *SIP;cause=503")
                .replace("<recv response=\"480\"", "<recv response=\"480\" timeout=\"5000\"");
        server.sipp(
                send(request("INVITE", "sip:dave@127.0.0.1", "sip:eve@example.org", "sip:dave@127.0.0.1", 70, null)),
                Sipp.optional(100),
                answered,
                Sipp.ackNon2xx("sip:dave@127.0.0.1"));
    }

    /** Registers callee from a fixed port, answers there with a sipp UAS, and lets alice call. */
    static void placeCall(PushgateProcess server, String callee, String dialled) throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice(callee, "<sip:" + callee + "@[local_ip]:[local_port]>", devicePort);
        placeCallToRegistered(server, devicePort, dialled);
    }

    static void placeCallToRegistered(PushgateProcess server, int devicePort, String dialled) throws Exception {
        placeCallToRegistered(server, devicePort, dialled, Calls.uas());
    }

    private static void placeCallToRegistered(PushgateProcess server, int devicePort, String dialled, String deviceScenario) throws Exception {
        Sipp.Running device = Sipp.start(server.dir, deviceScenario, null, devicePort);
        Sipp.Result caller = Sipp.run(server.dir, Calls.authenticatedCaller("alice", "pw-alice", dialled), server.uri());
        Sipp.Result answered = device.await();
        server.assertPassed(caller);
        server.assertPassed(answered);
    }

    @Test
    public void theCallersCredentialsStopAtTheProxy() throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("fred", "<sip:fred@[local_ip]:[local_port]>", devicePort);
        placeCallToRegistered(server, devicePort, "fred", Calls.uasReceiving("<recv request=\"INVITE\" rrs=\"true\"><action>"
                + "<ereg regexp=\"Proxy-Authorization\" search_in=\"msg\" check_it_inverse=\"true\" assign_to=\"credentials\"/></action></recv>"));
    }

    @Test
    public void credentialsOfAnotherUserThanTheFromAre403() throws Exception {
        String invite = """
                INVITE sip:bob@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]m[call_number]
                To: <sip:bob@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %1$d INVITE
                Contact: <sip:alice@[local_ip]:[local_port]>
                %2$s
                Content-Length: 0
                """;
        server.sipp(send(invite.formatted(1, "")), Sipp.optional(100), recv(407), Sipp.ackNon2xx("sip:bob@[remote_ip]:[remote_port]"),
                // carol's own valid credentials, on a request that claims to come from alice
                send(invite.formatted(2, Requests.auth("carol", "pw-carol"))), Sipp.optional(100),
                recv(403, "SIP/2.0 403 From Does Not Match Credentials"),
                Sipp.sendOnce("""
                        ACK sip:bob@[remote_ip]:[remote_port] SIP/2.0
                        [last_Via:]
                        [last_From:]
                        [last_To:]
                        [last_Call-ID:]
                        CSeq: 2 ACK
                        Max-Forwards: 70
                        Content-Length: 0
                        """));
    }

    /**
     * A digest answer sent again with the same nonce count (a replay, or a client that does not
     * count) gets a new challenge marked stale, not a 200; computed here by hand (RFC 2617, qop=auth).
     */
    @Test
    public void aReplayedDigestAnswerGetsANewChallengeMarkedStale() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            String ruri = "sip:" + server.uri();
            String challenge = UdpRequests.finalAnswer(s, hugoRegisters(s, ruri, 1, ""), server.sipPort, 5000, a -> a.contains("Call-ID: replay-1"));
            assertTrue(challenge, challenge != null && challenge.startsWith("SIP/2.0 401"));
            String authorization = Requests.digest(challenge, "REGISTER", ruri, "hugo", "pw-hugo", 1);
            String accepted = UdpRequests.finalAnswer(s, hugoRegisters(s, ruri, 2, authorization), server.sipPort, 5000, a -> a.contains("CSeq: 2 "));
            assertTrue(accepted, accepted != null && accepted.startsWith("SIP/2.0 200"));
            String replayed = UdpRequests.finalAnswer(s, hugoRegisters(s, ruri, 3, authorization), server.sipPort, 5000, a -> a.contains("CSeq: 3 "));
            assertTrue(replayed, replayed != null && replayed.startsWith("SIP/2.0 401") && replayed.contains("stale=true"));
        }
    }

    private static String hugoRegisters(java.net.DatagramSocket s, String ruri, int cseq, String authorization) {
        return Requests.plainRegister(ruri, "sip:hugo@127.0.0.1", s.getLocalPort(), "replay-1", cseq, "<sip:hugo@127.0.0.1:9>", authorization);
    }

    /** Two devices ring at once (same q); the first to answer takes the call and the other gets a CANCEL from the proxy. */
    @Test
    public void theFirstAnswerWinsAndTheOtherDeviceIsCancelled() throws Exception {
        int answering = PushgateProcess.freePort();
        int ringing = PushgateProcess.freePort();
        server.registerDevice("erin", "<sip:erin@[local_ip]:[local_port]>", answering);
        server.registerDevice("erin", "<sip:erin@[local_ip]:[local_port]>", ringing);
        Sipp.Running cancelled = Sipp.start(server.dir, Calls.ringsUntilCancelled(), null, ringing);
        placeCallToRegistered(server, answering, "erin");
        server.assertPassed(cancelled.await());
    }

    /** The caller gives up while the device rings: its CANCEL reaches the device, and the 487 comes back. */
    @Test
    public void aCancelFromTheCallerReachesTheRingingDevice() throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("gwen", "<sip:gwen@[local_ip]:[local_port]>", devicePort);
        Sipp.Running device = Sipp.start(server.dir, Calls.ringsUntilCancelled(), null, devicePort);
        server.sipp(
                send(request("INVITE", "sip:gwen@[remote_ip]", "sip:eve@example.org", "sip:gwen@[remote_ip]", 70, null)),
                Sipp.optional(100),
                recv(180),
                send("""
                        CANCEL sip:gwen@[remote_ip] SIP/2.0
                        [last_Via:]
                        From: <sip:eve@example.org>;tag=[pid]t[call_number]
                        To: <sip:gwen@[remote_ip]>
                        [last_Call-ID:]
                        CSeq: 1 CANCEL
                        Max-Forwards: 70
                        Content-Length: 0
                        """),
                recv(200),
                recv(487),
                Sipp.ackNon2xx("sip:gwen@[remote_ip]"));
        server.assertPassed(device.await());
    }

    private static String subscribe(String user, String target, int cseq, int expires, String authLine) {
        return """
                SUBSCRIBE sip:%2$s@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:%1$s@[remote_ip]>;tag=[pid]w[call_number]
                To: <sip:%2$s@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %3$d SUBSCRIBE
                Contact: <sip:%1$s@[local_ip]:[local_port]>
                Event: reg
                Accept: application/reginfo+xml
                Expires: %4$d
                %5$s
                Content-Length: 0
                """.formatted(user, target, cseq, expires, authLine);
    }

    /**
     * Watch, then unsubscribe; the unsubscribe is sent again after the container has freed the
     * ended subscription's dialog (its last NOTIFY transaction ends 5 s after the 200, Timer K), as
     * a watcher that lost the 200 would, and must get the same 200 from its transaction (this
     * server lingers 32 s, as RFC 3261 has it).
     */
    @Test
    public void aUserMayWatchItsOwnRegistrationAfterAuthenticating() throws Exception {
        String unsubscribe = """
                SUBSCRIBE [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]unsub[call_number]
                [routes]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]w[call_number]
                To: <sip:alice@[remote_ip]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: 3 SUBSCRIBE
                Contact: <sip:alice@[local_ip]:[local_port]>
                Event: reg
                Expires: 0
                Content-Length: 0
                """;
        server.sipp(
                send(subscribe("alice", "alice", 1, 60, "")),
                recv(407),
                send(subscribe("alice", "alice", 2, 60, auth("alice", "pw-alice"))),
                "<recv response=\"200\" rrs=\"true\"/>",
                "<recv request=\"NOTIFY\"><action><ereg regexp=\"state=.full.\" search_in=\"body\" check_it=\"true\" assign_to=\"full\"/></action></recv>",
                Calls.okToLastRequest(),
                send(unsubscribe),
                recv(200),
                "<recv request=\"NOTIFY\"><action><ereg regexp=\"terminated\" search_in=\"hdr\" header=\"Subscription-State:\" check_it=\"true\" assign_to=\"t1\"/></action></recv>",
                Calls.okToLastRequest(),
                Sipp.pause(7000),
                send(unsubscribe),
                recv(200));
    }

    @Test
    public void anAuthenticatedUserMayNotWatchSomeoneElse() throws Exception {
        server.sipp(
                send(subscribe("alice", "bob", 1, 60, "")),
                recv(407),
                send(subscribe("alice", "bob", 2, 60, auth("alice", "pw-alice"))),
                recv(403, "Not Allowed To Watch"));
    }
}
