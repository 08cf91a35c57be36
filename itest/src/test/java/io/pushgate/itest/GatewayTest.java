package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The push gateway in front of a real Kamailio backend registrar with digest auth. sipp plays the
 * devices and the caller; Pushy's MockApnsServer and an FCM stand-in play the push services.
 */
public class GatewayTest {
    static final String INSTANCE = "\"<urn:uuid:00000000-0000-4000-8000-0000000000d1>\"";
    static final String APNS_PARAMS = ";pn-provider=apns.dev;pn-prid=V0IPT0KEN:voip&REM0TET0KEN:remote"
            + ";pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip&remote";
    private static final String FCM_PARAMS = ";pn-provider=fcm;pn-prid=fcm-device-token;pn-param=" + FcmStandIn.PROJECT;

    private Path work;
    private Kamailio kamailio;
    private PushgateProcess gateway;
    private MockApns apns;
    private FcmStandIn fcm;
    private WebhookReceiver webhook;
    private WebPushStandIn webPush;
    /** Appended to the gateway's configuration by start(). */
    private String extraConfig = "";

    @Before
    public void setUp() throws Exception {
        work = TestDirs.create("pushgate-gw");
        apns = MockApns.start(work);
        fcm = FcmStandIn.start(work);
        webhook = new WebhookReceiver(work);
        webPush = new WebPushStandIn();
    }

    @After
    public void tearDown() throws Exception {
        if (gateway != null) gateway.close();
        if (kamailio != null) kamailio.close();
        if (apns != null) apns.close();
        if (fcm != null) fcm.close();
        if (webhook != null) webhook.close();
        if (webPush != null) webPush.close();
    }

    private void start(boolean pathMode, String extra) throws Exception {
        kamailio = Kamailio.start(work, pathMode);
        gateway = new PushgateProcess("""
                [server]
                role = gateway

                [gateway]
                backend = %s
                mode = %s

                [registrar]
                nat-rewrite = false

                [fork-late]
                push-delay = 300
                call-fork-timeout = %s
                """.formatted(kamailio.address(), pathMode ? "path" : "masquerade", extra == null ? "20" : extra)
                + apns.config() + "\n" + fcm.config() + "\n" + webhook.config() + "\n[push-webpush]\nvapid-key-file = " + work.resolve("vapid.keys")
                + "\nsubject = mailto:ops@example.org\n" + extraConfig).start();
    }

    /** REGISTER through the gateway, answering Kamailio's challenge; the 200 must show the device's own contact. */
    private void registerDevice(int contactPort, String pushParams, String... mustMatchIn200) throws Exception {
        registerInstance(INSTANCE, contactPort, pushParams, mustMatchIn200);
    }

    /** One of several devices of the user: each has its own instance id. */
    private static String instance(int n) {
        return "\"<urn:uuid:00000000-0000-4000-8000-0000000000" + (10 + n) + ">\"";
    }

    private void registerInstance(String instance, int contactPort, String pushParams, String... mustMatchIn200) throws Exception {
        String contact = "<sip:dev@127.0.0.1:" + contactPort + pushParams + ">;+sip.instance=" + instance;
        String[] checks = new String[mustMatchIn200.length + 1];
        checks[0] = "Contact:.*<sip:dev@127\\.0\\.0\\.1:" + contactPort; // other devices of the user may come first
        System.arraycopy(mustMatchIn200, 0, checks, 1, mustMatchIn200.length);
        gateway.sipp(
                Sipp.send(register("dev", 1, contact, "")),
                Sipp.recv(401),
                Sipp.send(register("dev", 2, contact, Requests.auth("dev", "pw-dev"))),
                Sipp.recv(200, java.util.List.of(checks), java.util.List.of("CtRt")));
    }

    /** A MESSAGE from the caller to the device, sent to the backend. */
    static String message(String text) {
        return """
                MESSAGE sip:dev@example.org SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:caller@example.org>;tag=[pid]m[call_number]
                To: <sip:dev@example.org>
                Call-ID: [call_id]
                CSeq: 1 MESSAGE
                Content-Type: text/plain
                Content-Length: [len]

                """ + text;
    }

    static String register(String user, int cseq, String contact, String auth) {
        return """
                REGISTER sip:example.org SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:%1$s@example.org>;tag=[pid]r[call_number]
                To: <sip:%1$s@example.org>
                Call-ID: [call_id]
                CSeq: %2$d REGISTER
                Contact: %3$s
                Expires: 600
                %4$s
                Content-Length: 0
                """.formatted(user, cseq, contact, auth);
    }

    /** The caller registers at Kamailio directly, from the port it will call from. */
    private int registerCaller() throws Exception {
        int port = PushgateProcess.freePort();
        String contact = "<sip:caller@127.0.0.1:" + port + ">";
        Sipp.Result r = Sipp.start(work, Sipp.scenario(
                Sipp.send(register("caller", 1, contact, "")),
                Sipp.recv(401),
                Sipp.send(register("caller", 2, contact, Requests.auth("caller", "pw-caller"))),
                Sipp.recv(200)), kamailio.address(), PushgateProcess.freePort()).await();
        gateway.assertPassed(r);
        return port;
    }

    static final String INVITE = """
            INVITE sip:dev@example.org SIP/2.0
            Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
            Max-Forwards: 70
            From: <sip:caller@example.org>;tag=[pid]c[call_number]
            To: <sip:dev@example.org>
            Call-ID: [call_id]
            CSeq: 1 INVITE
            Contact: <sip:caller@[local_ip]:[local_port]>
            Content-Type: application/sdp
            Content-Length: [len]

            """ + Calls.audioSdp("caller");

    private static String inDialog(String method, int cseq) {
        return """
                %1$s [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                [routes]
                Max-Forwards: 70
                From: <sip:caller@example.org>;tag=[pid]c[call_number]
                To: <sip:dev@example.org>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: %2$d %1$s
                Content-Length: 0
                """.formatted(method, cseq);
    }

    /** A caller whose call is answered; it hangs up itself, or waits for the device to hang up. */
    static String answeredCaller(boolean callerHangsUp) {
        String end = callerHangsUp
                ? Sipp.send(inDialog("BYE", 2)) + "\n" + Sipp.recv(200)
                : "<recv request=\"BYE\"/>\n" + Calls.okToLastRequest();
        return Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.optional(180),
                "<recv response=\"200\" rrs=\"true\"/>",
                Sipp.sendOnce(inDialog("ACK", 1)),
                Sipp.pause(500),
                end,
                "<timewait milliseconds=\"500\"/>");
    }

    /** The woken device: answers the INVITE, then waits for BYE or sends it along the record-route. */
    static String device(boolean deviceHangsUp) {
        if (!deviceHangsUp) return Calls.uas();
        return Sipp.scenario(
                "<recv request=\"INVITE\" rrs=\"true\"><action><ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" assign_to=\"caller\"/></action></recv>",
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"/>",
                Sipp.pause(500),
                Sipp.send("""
                        BYE [next_url] SIP/2.0
                        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                        [routes]
                        Max-Forwards: 70
                        From: <sip:dev@example.org>;tag=[pid]s[call_number]
                        To:[$caller]
                        Call-ID: [call_id]
                        CSeq: 1 BYE
                        Content-Length: 0
                        """),
                Sipp.recv(200),
                "<timewait milliseconds=\"500\"/>");
    }

    /** A device listening on port that takes the INVITE, plays the steps (its answers) and takes the ACK of its final one. */
    private Sipp.Running deviceAnswering(int port, String... steps) throws Exception {
        String[] all = new String[steps.length + 2];
        all[0] = "<recv request=\"INVITE\"/>";
        System.arraycopy(steps, 0, all, 1, steps.length);
        all[all.length - 1] = "<recv request=\"ACK\"/>";
        return Sipp.start(work, Sipp.scenario(all), null, port);
    }

    /**
     * The whole story: register with push parameters, a call the sleeping device does not
     * answer, the push, the re-registration from a new address, and a completed call.
     */
    private void sleepingDeviceIsWokenAndAnswers(String pushParams, boolean deviceHangsUp, Runnable checkPush) throws Exception {
        int sleepingPort = PushgateProcess.freePort(); // nothing listens: the app is asleep
        registerDevice(sleepingPort, pushParams, "Feature-Caps: *\\*;\\+sip\\.pns=\"");
        int callerPort = registerCaller();
        Sipp.Running caller = Sipp.start(work, answeredCaller(!deviceHangsUp), kamailio.address(), callerPort);

        checkPush.run();
        deviceWakesAndTakesTheCall(caller, pushParams, deviceHangsUp);
    }

    /** The device wakes on a new port and re-registers; the waiting call reaches it and completes. */
    private void deviceWakesAndTakesTheCall(Sipp.Running caller, String pushParams, boolean deviceHangsUp) throws Exception {
        int wokenPort = PushgateProcess.freePort();
        Sipp.Running woken = Sipp.start(work, device(deviceHangsUp), null, wokenPort);
        registerDevice(wokenPort, pushParams);
        gateway.assertPassed(woken.await());
        gateway.assertPassed(caller.await());
    }

    /** A request routed to a device through the gateway (doroute) is taken from the backend's address only. */
    @Test
    public void aRoutedRequestFromAnAddressOtherThanTheBackendsIs403() throws Exception {
        start(false, null);
        assertEquals("SIP/2.0 403", routedOptions("127.0.0.2").substring(0, 11));
        assertEquals("from the backend's address it is looked up", "SIP/2.0 480", routedOptions("127.0.0.1").substring(0, 11));
    }

    private String routedOptions(String from) throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new java.net.InetSocketAddress(from, 0))) {
            String request = "OPTIONS sip:nobody@" + gateway.uri() + ";doroute SIP/2.0\r\nVia: SIP/2.0/UDP " + from + ":" + s.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nMax-Forwards: 70\r\nFrom: <sip:caller@example.org>;tag=1\r\n"
                    + "To: <sip:nobody@example.org>\r\nCall-ID: routed" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            return String.valueOf(UdpRequests.finalAnswer(s, request, gateway.sipPort, 5_000, a -> true));
        }
    }

    @Test
    public void masqueradingWithApnsVoipPush() throws Exception {
        start(false, null);
        sleepingDeviceIsWokenAndAnswers(APNS_PARAMS, false, () -> {
            MockApns.Push push = nextApns(10);
            assertEquals("V0IPT0KEN", push.token());
            assertEquals(MockApns.BUNDLE + ".voip", push.topic());
            assertEquals("voip", push.pushType());
            assertNotNull("collapse id per call", push.collapseId());
            assertNotNull("expiration tied to the fork timeout", push.expiration());
            assertTrue(push.payload(), push.payload().contains("\"caller\":\"sip:caller@example.org\""));
            assertTrue(push.payload(), push.payload().contains("\"call-id\":\""));
        });
        String log = kamailio.log() + gateway.log();
        assertTrue("Kamailio holds the masqueraded contact, the gateway forked late:\n" + PushgateProcess.tail(gateway.log()),
                gateway.log().contains("fork-late branch to sip:dev@127.0.0.1:"));
        assertFalse(log.contains("Exception"));
    }

    @Test
    public void pathModeWithFcmPushAndDeviceHangsUp() throws Exception {
        start(true, null);
        sleepingDeviceIsWokenAndAnswers(FCM_PARAMS, true, () -> {
            FcmStandIn.Message m = nextFcm(10);
            assertEquals("/v1/projects/" + FcmStandIn.PROJECT + "/messages:send", m.path());
            assertEquals(FcmStandIn.expectedAuthorization(), m.authorization());
            assertTrue(m.body(), m.body().contains("\"token\":\"fcm-device-token\""));
            assertTrue(m.body(), m.body().contains("\"priority\":\"high\""));
            assertTrue(m.body(), m.body().contains("\"caller\":\"sip:caller@example.org\""));
        });
    }

    @Test
    public void callerCancelSendsMissedCallAlert() throws Exception {
        start(false, null);
        registerDevice(PushgateProcess.freePort(), APNS_PARAMS);
        int callerPort = registerCaller();
        Sipp.Running caller = Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.recv(100),
                Sipp.pause(1500),
                Sipp.sendOnce("""
                        CANCEL sip:dev@example.org SIP/2.0
                        [last_Via:]
                        Max-Forwards: 70
                        From: <sip:caller@example.org>;tag=[pid]c[call_number]
                        To: <sip:dev@example.org>
                        Call-ID: [call_id]
                        CSeq: 1 CANCEL
                        Content-Length: 0
                        """),
                Sipp.recv(200),
                Sipp.recv(487),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), callerPort);
        assertEquals("voip", nextApns(10).pushType());
        gateway.assertPassed(caller.await());
        MockApns.Push missed = nextApns(10);
        assertEquals("missed-call alert goes to the remote token, never as VoIP", "REM0TET0KEN", missed.token());
        assertEquals(MockApns.BUNDLE, missed.topic());
        assertEquals("alert", missed.pushType());
        assertTrue(missed.payload(), missed.payload().contains("Missed call"));
    }

    /** A device that is awake rings (so it is not pushed) and then is busy: the caller hears it at once, not at the fork timeout. */
    @Test
    public void aRingingDeviceIsNotPushedAndItsBusyAnswerEndsTheCall() throws Exception {
        start(false, null);
        int devicePort = PushgateProcess.freePort();
        Sipp.Running device = deviceAnswering(devicePort,
                Calls.answerWithoutBody("180 Ringing"), Sipp.pause(1000), Calls.answerWithoutBody("486 Busy Here"));
        registerDevice(devicePort, APNS_PARAMS);
        int callerPort = registerCaller();
        long sent = System.nanoTime();
        Sipp.Result caller = Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.recv(180),
                Sipp.recv(486),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), callerPort).await();
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent);
        gateway.assertPassed(caller);
        gateway.assertPassed(device.await());
        assertTrue("the busy answer came after " + seconds + " s, not at once", seconds < 5);
        MockApns.Push push = apns.next(1);
        assertTrue("a ringing device was pushed: " + push, push == null);
    }

    /**
     * The device's only branch fails (a 480 after the push went out): the container would relay
     * that failure to the caller, so the call must be kept open for the re-registration.
     */
    @Test
    public void aCallWhoseOnlyBranchFailedStillReachesTheReRegisteredDevice() throws Exception {
        start(false, null);
        int firstPort = PushgateProcess.freePort();
        Sipp.Running first = deviceAnswering(firstPort, Sipp.pause(1000), Calls.answerWithoutBody("480 Temporarily Unavailable"));
        registerDevice(firstPort, APNS_PARAMS);
        int callerPort = registerCaller();
        Sipp.Running caller = Sipp.start(work, answeredCaller(true), kamailio.address(), callerPort);
        assertEquals("voip", nextApns(10).pushType());
        gateway.assertPassed(first.await());
        Thread.sleep(1000); // a relayed 480 would reach the caller now and fail its scenario
        deviceWakesAndTakesTheCall(caller, APNS_PARAMS, false);
    }

    @Test
    public void pushServiceFailureEndsTheCallWith480AfterTheTimeout() throws Exception {
        start(false, "4");
        fcm.answer(500);
        registerDevice(PushgateProcess.freePort(), FCM_PARAMS);
        int callerPort = registerCaller();
        Sipp.Running caller = Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.recv(480, "Reason: *SIP;cause=480"),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), callerPort);
        assertNotNull("the push was attempted", nextFcm(10));
        gateway.assertPassed(caller.await());
        assertTrue("given up after its retries:\n" + PushgateProcess.tail(gateway.log()),
                java.util.regex.Pattern.compile("failed at fcm after \\d tries: HTTP 500").matcher(gateway.log()).find());
    }

    @Test
    public void messageForASleepingDeviceSurvivesARestartAndIsDeliveredOnReRegister() throws Exception {
        start(false, null);
        registerDevice(PushgateProcess.freePort(), APNS_PARAMS);
        gateway.assertPassed(Sipp.start(work, Sipp.scenario(
                Sipp.send(message("hello sleeping phone")),
                Sipp.recv(202)), kamailio.address(), PushgateProcess.freePort()).await());
        MockApns.Push alert = nextApns(10);
        assertEquals("REM0TET0KEN", alert.token());
        assertEquals("alert", alert.pushType());
        assertTrue(alert.payload(), alert.payload().contains("New message"));

        gateway.kill(); // the message must be in the database, not only in memory
        gateway.start();
        int wokenPort = PushgateProcess.freePort();
        Sipp.Running woken = Sipp.start(work, Sipp.scenario(
                "<recv request=\"MESSAGE\"><action><ereg regexp=\"hello sleeping phone\" search_in=\"body\" check_it=\"true\" assign_to=\"body\"/></action></recv>",
                Sipp.sendOnce("""
                        SIP/2.0 200 OK
                        [last_Via:]
                        [last_From:]
                        [last_To:];tag=[pid]d[call_number]
                        [last_Call-ID:]
                        [last_CSeq:]
                        Content-Length: 0
                        """),
                "<timewait milliseconds=\"300\"/>"), null, wokenPort);
        registerDevice(wokenPort, APNS_PARAMS);
        gateway.assertPassed(woken.await());
    }

    /**
     * A kill -9 while the device wakes ends the container's transaction, and the caller, which has
     * its 100, no longer retransmits: after the restart the gateway answers it 480 from the row it
     * kept, through the backend, instead of leaving it to its own timer.
     */
    @Test
    public void aCallWaitingWhenTheGatewayIsKilledIsAnsweredAfterTheRestart() throws Exception {
        start(false, "120"); // only the restart can end the call within the caller's time
        registerDevice(PushgateProcess.freePort(), APNS_PARAMS);
        int callerPort = registerCaller();
        Sipp.Running caller = Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.recv(480, "Reason:.*restarted while the device was waking"),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), callerPort, "-timeout", "60s");
        assertEquals("voip", nextApns(10).pushType());
        Await.until("the waiting call is kept", 10, () -> heldCalls() == 1);

        gateway.kill();
        gateway.start();
        gateway.assertPassed(caller.await());
        Await.until("its row is gone once answered", 10, () -> heldCalls() == 0);
    }

    private long heldCalls() {
        return StoredRows.count(gateway.jdbcUrl(), "select count(*) from held_call");
    }

    /**
     * A REGISTER relayed to the backend and not yet answered when the gateway dies is not kept:
     * the phone's own retransmissions (UDP, until Timer F) reach the restarted gateway, which
     * relays them anew; one that arrives before the application is deployed gets 503 with
     * Retry-After, and the phone's next REGISTER goes through. The backend is held stopped while
     * the gateway is killed, so the relayed REGISTER is pending there.
     */
    @Test
    public void aRegistrationPendingAtTheBackendWhenTheGatewayIsKilledIsAnsweredAfterTheRestart() throws Exception {
        start(false, null);
        int devicePort = PushgateProcess.freePort();
        String contact = "<sip:dev@127.0.0.1:" + devicePort + ">;+sip.instance=" + INSTANCE;
        try (java.net.DatagramSocket phone = new java.net.DatagramSocket(devicePort, java.net.InetAddress.getLoopbackAddress())) {
            String challenge = UdpRequests.finalAnswer(phone, Requests.plainRegister("sip:example.org", "sip:dev@example.org",
                    devicePort, "pending-1", 1, contact, ""), gateway.sipPort, 5_000, a -> a.contains("CSeq: 1 "));
            assertTrue(challenge, challenge != null && challenge.startsWith("SIP/2.0 401"));

            kamailio.freeze(true);
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                String last = null;
                // a phone sends a new REGISTER after each 503's Retry-After, for as long as the restart takes
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
                for (int cseq = 2; System.nanoTime() < deadline; cseq++) {
                    try {
                        int c = cseq;
                        last = UdpRequests.transaction(phone, Requests.plainRegister("sip:example.org", "sip:dev@example.org", devicePort,
                                "pending-1", c, contact, Requests.digest(challenge, "REGISTER", "sip:example.org", "dev", "pw-dev", c - 1)),
                                gateway.sipPort, a -> a.contains("CSeq: " + c + " "));
                        if (last == null || !last.startsWith("SIP/2.0 503")) return last;
                        Thread.sleep(1000L * Integer.parseInt(last.replaceAll("(?s).*\r\nRetry-After: *(\\d+).*", "$1")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return last;
            });
            Await.until("the gateway relayed the REGISTER to the stopped backend", 10, () -> kamailio.queuedBytes() > 0);
            gateway.kill();
            kamailio.freeze(false); // its answers to the dead gateway are lost
            gateway.start();
            String ok = answer.get(150, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue("the phone's REGISTER answered after the restart: " + ok + "\n" + PushgateProcess.tail(gateway.log()),
                    ok != null && ok.startsWith("SIP/2.0 200") && ok.contains("<sip:dev@127.0.0.1:" + devicePort));
        }
        // what the backend keeps for the phone routes a call through the restarted gateway to it
        int callerPort = registerCaller();
        Sipp.Running device = Sipp.start(work, device(false), null, devicePort);
        Sipp.Running caller = Sipp.start(work, answeredCaller(true), kamailio.address(), callerPort);
        gateway.assertPassed(device.await());
        gateway.assertPassed(caller.await());
    }

    /** The backend keeps the masqueraded contact it was given; a gateway restarted since must still route it. */
    @Test
    public void aBackendBindingStaysValidAcrossAGatewayRestart() throws Exception {
        start(false, null);
        int devicePort = PushgateProcess.freePort();
        registerDevice(devicePort, "");
        gateway.kill();
        gateway.start();
        int callerPort = registerCaller();
        Sipp.Running device = Sipp.start(work, device(false), null, devicePort);
        Sipp.Running caller = Sipp.start(work, answeredCaller(true), kamailio.address(), callerPort);
        gateway.assertPassed(device.await());
        gateway.assertPassed(caller.await());
    }

    @Test
    public void badPushParametersAreRefusedAndNothingReachesTheBackend() throws Exception {
        start(false, null);
        String unknown = "<sip:dev@127.0.0.1:5999;pn-provider=carrier-pigeon;pn-prid=x;pn-param=y>";
        String unknownQuery = "<sip:dev@127.0.0.1:5999;pn-provider=carrier-pigeon>";
        String malformed = "<sip:dev@127.0.0.1:5999;pn-provider=apns;pn-prid=abc>";
        gateway.sipp(Sipp.send(register("dev", 1, unknown, "")), Sipp.recv(555));
        gateway.sipp(Sipp.send(register("dev", 1, unknownQuery, "")), Sipp.recv(555));
        gateway.sipp(Sipp.send(register("dev", 1, malformed, "")), Sipp.recv(400, "pn-param"));
    }

    @Test
    public void insertDomainKeepsTwoDevicesOfOneUserApart() throws Exception {
        start(false, "20\n\n[gateway]\ninsert-domain = true");
        String tablet = "\"<urn:uuid:00000000-0000-4000-8000-0000000000d2>\"";
        int phonePort = PushgateProcess.freePort();
        int tabletPort = PushgateProcess.freePort();
        registerDevice(phonePort, APNS_PARAMS);
        String contact = "<sip:dev@127.0.0.1:" + tabletPort + APNS_PARAMS + ">;+sip.instance=" + tablet;
        // the backend holds two bindings, so its 200 to the tablet lists both devices, each restored
        gateway.sipp(
                Sipp.send(register("dev", 1, contact, "")),
                Sipp.recv(401),
                Sipp.send(register("dev", 2, contact, Requests.auth("dev", "pw-dev"))),
                Sipp.recv(200, java.util.List.of("<sip:dev@127\\.0\\.0\\.1:" + phonePort, "<sip:dev@127\\.0\\.0\\.1:" + tabletPort),
                        java.util.List.of("CtRt")));
    }

    @Test
    public void keepAliveOptionsForTheBackendDomainReachTheBackend() throws Exception {
        start(false, null);
        // a device using the gateway as outbound proxy pings its registrar's domain (no user part)
        gateway.sipp(
                Sipp.send(Requests.request("OPTIONS", "sip:example.org", "sip:dev@example.org", "sip:example.org", 70, null)),
                Sipp.recv(200, "SIP/2.0 200 Backend Keepalive"));
    }

    @Test
    public void registerNeverLoopsBackToTheGateway() throws Exception {
        gateway = new PushgateProcess("");
        // The backend named is the gateway itself.
        Files.writeString(gateway.config(), "\n[server]\nrole = gateway\n[gateway]\nbackend = " + gateway.uri() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        gateway.start();
        gateway.sipp(Sipp.send(register("dev", 1, "<sip:dev@127.0.0.1:5999>", "")), Sipp.recv(482));
    }

    private static final String WEBHOOK_PARAMS = ";pn-provider=webhook;pn-prid=backend-device-7";

    /** The caller's INVITE ends in 480 at the fork timeout. */
    private Sipp.Running callerTimingOut(int callerPort) throws Exception {
        return Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.recv(480),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), callerPort);
    }

    /** The operator's own backend gets the call as a signed JSON document, and the woken device takes the call. */
    @Test
    public void webhookCarriesTheCallToTheOperatorsBackend() throws Exception {
        start(false, null);
        sleepingDeviceIsWokenAndAnswers(WEBHOOK_PARAMS, false, () -> {
            try {
                WebhookReceiver.Post post = webhook.next(10);
                assertNotNull("no webhook POST:\n" + PushgateProcess.tail(gateway.log()), post);
                assertTrue("the signature checks out: " + post.body(), post.signatureValid());
                assertTrue(post.body(), post.body().contains("\"type\":\"call\""));
                assertTrue(post.body(), post.body().contains("\"caller\":\"sip:caller@example.org\""));
                assertTrue(post.body(), post.body().contains("\"callee\":\"sip:dev@example.org\""));
                assertTrue(post.body(), post.body().contains("\"pn-prid\":\"backend-device-7\""));
                assertTrue(post.body(), post.body().contains("\"call-id\":\""));
            } catch (InterruptedException | java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /**
     * A browser's subscription: told the VAPID key at REGISTER, pushed with a payload that only the
     * subscription's keys decrypt and a VAPID token the push service can check; then it takes the call.
     */
    @Test
    public void webPushCarriesAnEncryptedSignedCallPush() throws Exception {
        start(false, null);
        String params = webPush.contactParams("browser-1");
        int sleepingPort = PushgateProcess.freePort();
        registerDevice(sleepingPort, params, "Feature-Caps: *\\*;\\+sip\\.vapid=\"B[A-Za-z0-9_-]{86}\"");
        Sipp.Running caller = Sipp.start(work, answeredCaller(true), kamailio.address(), registerCaller());
        WebPushStandIn.Push push = webPush.next(10);
        assertNotNull("no WebPush POST:\n" + PushgateProcess.tail(gateway.log()), push);
        assertEquals("browser-1", push.subscription());
        assertTrue("the VAPID token checks out", push.vapidValid());
        assertNotNull("the payload decrypts with the subscription's keys", push.payload());
        assertTrue(push.payload(), push.payload().contains("\"type\":\"call\""));
        assertTrue(push.payload(), push.payload().contains("\"caller\":\"sip:caller@example.org\""));
        assertEquals("high", push.urgency());
        deviceWakesAndTakesTheCall(caller, params, false);
    }

    /**
     * APNs, FCM (UNREGISTERED) and a WebPush service each call one device's token dead: those
     * bindings go and the other device's stays. FCM's 500s are retried, and a device whose service
     * fails is kept.
     */
    @Test
    public void aDeadTokenRemovesThatDeviceOnlyAndServerErrorsAreRetried() throws Exception {
        start(false, "4");
        apns.deadTokens.add("D3ADV0IP");
        fcm.answer(500);
        registerInstance(instance(2), PushgateProcess.freePort(), ";pn-provider=apns.dev;pn-prid=D3ADV0IP:voip;pn-param="
                + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip");
        registerInstance(instance(3), PushgateProcess.freePort(), FCM_PARAMS);
        webPush.answer("gone-browser", 410);
        registerInstance(instance(8), PushgateProcess.freePort(), webPush.contactParams("gone-browser"));
        fcm.deadTokens.add("uninstalled-fcm");
        registerInstance(instance(9), PushgateProcess.freePort(), ";pn-provider=fcm;pn-prid=uninstalled-fcm;pn-param=" + FcmStandIn.PROJECT);
        assertEquals(gateway.storedContacts(null).toString(), 4, gateway.storedContacts(null).size());
        Sipp.Running caller = callerTimingOut(registerCaller());
        MockApns.Push refused = nextApns(10);
        assertEquals("APNs refused the push: " + refused.pushType(), "REJECTED", refused.token());
        assertEquals("gone-browser", webPush.next(10).subscription());
        Await.until("the dead devices' bindings are removed", 10, () -> gateway.storedContacts(null).stream()
                .noneMatch(c -> c.contains("D3ADV0IP") || c.contains("gone-browser") || c.contains("uninstalled-fcm")));
        Await.until("the 500 is retried", 10, () -> fcm.count("fcm-device-token") >= 2);
        gateway.assertPassed(caller.await());
        assertTrue("the device whose service failed is kept: " + gateway.storedContacts(null),
                gateway.storedContacts(null).stream().anyMatch(c -> c.contains("fcm-device-token")));
    }

    /** FCM asks to come back in a second: the push is sent again no sooner, and the device still wakes. */
    @Test
    public void retryAfterIsHonoured() throws Exception {
        start(true, null);
        fcm.answerOnce(503, "1");
        sleepingDeviceIsWokenAndAnswers(FCM_PARAMS, false, () -> {
            FcmStandIn.Message first = nextFcm(10);
            FcmStandIn.Message second = nextFcm(10);
            long gapMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(second.receivedAt() - first.receivedAt());
            assertTrue("sent again after " + gapMs + " ms", gapMs >= 1000);
        });
    }

    /**
     * One phone registered twice (two contacts, one token) is one device: one VoIP push for the
     * call, one missed-call alert after it, though the call has two branches.
     */
    @Test
    public void oneVoipPushPerCallAndDeviceAcrossBranches() throws Exception {
        start(false, "4");
        registerInstance(instance(4), PushgateProcess.freePort(), APNS_PARAMS);
        registerInstance(instance(5), PushgateProcess.freePort(), APNS_PARAMS);
        gateway.assertPassed(callerTimingOut(registerCaller()).await());
        MockApns.Push voip = nextApns(10);
        assertEquals("voip", voip.pushType());
        MockApns.Push missed = nextApns(10);
        assertEquals("alert", missed.pushType());
        assertTrue(missed.payload(), missed.payload().contains("Missed call"));
        MockApns.Push more = apns.next(2);
        assertTrue("a second push for the same call and device: " + more, more == null);
    }

    /** An awake device answers; the device that was pushed meanwhile is told the call was answered elsewhere (CallKit). */
    @Test
    public void aPushedDeviceHearsTheCallWasAnsweredElsewhere() throws Exception {
        start(false, null);
        int awakePort = PushgateProcess.freePort();
        Sipp.Running awake = Sipp.start(work, Sipp.scenario(
                "<recv request=\"INVITE\" rrs=\"true\"/>",
                Calls.answerWithoutBody("180 Ringing"),
                Sipp.pause(1500),
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"/>",
                "<recv request=\"BYE\"/>",
                Calls.okToLastRequest(),
                "<timewait milliseconds=\"500\"/>"), null, awakePort);
        registerInstance(instance(6), awakePort, "");
        registerInstance(instance(7), PushgateProcess.freePort(), APNS_PARAMS);
        Sipp.Running caller = Sipp.start(work, answeredCaller(true), kamailio.address(), registerCaller());
        assertEquals("voip", nextApns(10).pushType());
        gateway.assertPassed(caller.await());
        gateway.assertPassed(awake.await());
        MockApns.Push alert = nextApns(10);
        assertEquals("REM0TET0KEN", alert.token());
        assertTrue(alert.payload(), alert.payload().contains("answered_elsewhere"));
    }

    @Test
    public void aPushedDeviceHearsTheCallWasDeclinedElsewhere() throws Exception {
        start(false, null);
        int awakePort = PushgateProcess.freePort();
        Sipp.Running awake = Sipp.start(work, Sipp.scenario(
                "<recv request=\"INVITE\"/>",
                Calls.answerWithoutBody("180 Ringing"),
                Sipp.pause(1500), // the sleeping device has been pushed by then
                Calls.answerWithoutBody("603 Decline"),
                "<recv request=\"ACK\"/>"), null, awakePort);
        registerInstance(instance(8), awakePort, "");
        registerInstance(instance(9), PushgateProcess.freePort(), APNS_PARAMS);
        Sipp.Running caller = Sipp.start(work, Sipp.scenario(
                Sipp.send(INVITE),
                Sipp.optional(100),
                Sipp.optional(180),
                Sipp.recv(603),
                Sipp.ackNon2xx("sip:dev@example.org")), kamailio.address(), registerCaller());
        assertEquals("voip", nextApns(10).pushType());
        gateway.assertPassed(awake.await());
        gateway.assertPassed(caller.await());
        MockApns.Push alert = nextApns(10);
        assertEquals("REM0TET0KEN", alert.token());
        assertTrue(alert.payload(), alert.payload().contains("declined_elsewhere"));
    }

    /**
     * A legacy Linphone device with only a remote token gets its call as an alert with its own
     * localization key (pn-call-str), and pn-silent asks for background pushes instead.
     */
    @Test
    public void legacyLinphoneAlertStringsAndSilentAreHonoured() throws Exception {
        start(false, "4");
        registerInstance(instance(10), PushgateProcess.freePort(),
                ";pn-type=apple;pn-tok=L3GACYT0KEN:remote;app-id=" + MockApns.BUNDLE + ".dev;pn-call-str=IC_MSG;pn-msg-str=IM_MSG");
        gateway.assertPassed(callerTimingOut(registerCaller()).await());
        MockApns.Push call = nextApns(10);
        assertEquals("L3GACYT0KEN", call.token());
        assertEquals("alert", call.pushType());
        assertTrue(call.payload(), call.payload().contains("\"loc-key\":\"IC_MSG\""));

        registerInstance(instance(11), PushgateProcess.freePort(), ";pn-type=apple;pn-tok=S1LENTT0KEN:remote;app-id="
                + MockApns.BUNDLE + ".dev;pn-silent=1");
        apns.drain();
        gateway.assertPassed(callerTimingOut(registerCaller()).await());
        java.util.List<MockApns.Push> silent = new java.util.ArrayList<>();
        for (MockApns.Push p = apns.next(5); p != null; p = apns.next(2)) if (p.token().equals("S1LENTT0KEN")) silent.add(p);
        assertFalse("pushed", silent.isEmpty());
        for (MockApns.Push p : silent) assertEquals(p.payload(), "background", p.pushType());
    }

    /**
     * A device that relies on the gateway (+sip.pnsreg) is pushed before its binding expires, again
     * when it does not come back, and no more once it has registered.
     */
    @Test
    public void wakeUpPushBeforeExpiryAndAgainUntilTheDeviceRegisters() throws Exception {
        extraConfig = "[wake-up]\nbefore = 597\nretry = 1\n"; // Expires is 600: the first push after 3 s
        start(false, null);
        int port = PushgateProcess.freePort();
        registerInstance(INSTANCE + ";+sip.pnsreg", port, APNS_PARAMS, "Feature-Caps: *\\*;\\+sip\\.pnsreg=\"597\"");
        MockApns.Push first = nextApns(10);
        assertEquals("background", first.pushType());
        assertEquals("a background push goes to the remote token", "REM0TET0KEN", first.token());
        assertTrue(first.payload(), first.payload().contains("\"type\":\"refresh\""));
        MockApns.Push again = nextApns(5);
        assertEquals("the device did not register: pushed again", "background", again.pushType());
        registerInstance(INSTANCE + ";+sip.pnsreg", port, APNS_PARAMS);
        MockApns.Push after = apns.next(2);
        assertTrue("pushed after it registered: " + after, after == null);
    }

    private MockApns.Push nextApns(int seconds) {
        try {
            MockApns.Push p = apns.next(seconds);
            assertNotNull("no APNs push within " + seconds + " s:\n" + PushgateProcess.tail(gateway.log()), p);
            return p;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private FcmStandIn.Message nextFcm(int seconds) {
        try {
            FcmStandIn.Message m = fcm.next(seconds);
            assertNotNull("no FCM request within " + seconds + " s:\n" + PushgateProcess.tail(gateway.log()), m);
            return m;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

}
