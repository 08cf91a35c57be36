package io.pushgate.itest;

import static io.pushgate.itest.PushedCalls.callUntilConnected;
import static io.pushgate.itest.PushedCalls.callUntilEarlyMedia;
import static io.pushgate.itest.PushedCalls.concat;
import static io.pushgate.itest.PushedCalls.inDialog;
import static io.pushgate.itest.PushedCalls.invite;
import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The push application server (a second Pushgate, on 127.0.0.2) behind the registrar/proxy: sipp
 * plays the caller and the phone, the test itself receives the early media, and Pushy's
 * MockApnsServer plays APNs.
 */
public class PushServerTest {
    private static final int WAIT_TIMEOUT = 8;
    private static final String INSTANCE = "\"<urn:uuid:00000000-0000-4000-8000-0000000000e1>\"";
    private static final String APNS_PARAMS = ";pn-provider=apns.dev;pn-prid=V0IPT0KEN:voip&REM0TET0KEN:remote"
            + ";pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip&remote";

    private static final String CONSOLE_PASSWORD = "console pass 123";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static Path work;
    private static MockApns apns;
    private static PushgateProcess proxy;
    private static PushgateProcess server;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-as");
        apns = MockApns.start(work);
        server = new PushgateProcess("");
        proxy = new PushgateProcess("""
                [registrar]
                min-expires = 1
                nat-rewrite = false

                [auth]
                trusted-peers = 127.0.0.2

                [router]
                # timer C outlasts a restart of the application server (aCallWaitingWhenTheServerIsKilled...)
                branch-timeout = 120

                [push-server]
                route-to = sip:127.0.0.2:%d

                [uac]
                startup-spread = 0
                poll-interval = 1
                """.formatted(server.sipPort));
        server.configurePushServer(proxy.uri(), WAIT_TIMEOUT, "42000-42099", apns.config());
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "frank", "gina", "hal", "ivy", "kim", "leo", "mia", "nina", "olga"}) {
            assertEquals(0, proxy.addSubscriber(user, "pw-" + user).exit());
        }
        assertEquals(0, proxy.command("subscriber", "push", "gina", "on").exit());
        for (PushgateProcess p : new PushgateProcess[] {proxy, server}) {
            assertEquals(0, p.commandWithInput(CONSOLE_PASSWORD + "\n", "console-user", "add", "ops", "--roles", "pushgate-console").exit());
        }
        proxy.start();
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
        if (proxy != null) proxy.close();
        if (apns != null) apns.close();
    }

    /** The phone registers with its push parameters for {@code seconds}, then its app goes to sleep. */
    private static void registerThenSleep(String user, int seconds) throws Exception {
        String contact = "<sip:" + user + "@127.0.0.1:" + PushgateProcess.freePort() + APNS_PARAMS + ">;+sip.instance=" + INSTANCE;
        registerFor(user, contact, seconds);
        Thread.sleep(seconds * 1000L + 500);
    }

    private static void registerFor(String user, String contact, int seconds) throws Exception {
        proxy.sipp(
                Sipp.send(register(user, 1, contact, Integer.toString(seconds), "")),
                Sipp.recv(401),
                Sipp.send(register(user, 2, contact, Integer.toString(seconds), auth(user, "pw-" + user))),
                Sipp.recv(200));
    }

    /** The caller's CANCEL of its INVITE (CSeq 2, the authenticated one), the 200 and 487, and the ACK. */
    private static String cancel(String callee) {
        return String.join("\n",
                Sipp.sendOnce("""
                        CANCEL sip:%1$s@[remote_ip]:[remote_port] SIP/2.0
                        [last_Via:]
                        Max-Forwards: 70
                        From: <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                        To: <sip:%1$s@[remote_ip]>
                        Call-ID: [call_id]
                        CSeq: 2 CANCEL
                        Content-Length: 0
                        """.formatted(callee)),
                Sipp.recv(200),
                Sipp.recv(487),
                Sipp.ackNon2xx("sip:" + callee + "@[remote_ip]:[remote_port]"));
    }

    private static MockApns.Push nextApns() throws InterruptedException {
        MockApns.Push p = apns.next(10);
        assertNotNull("no push reached the APNs mock", p);
        return p;
    }

    @Test
    public void sleepingCalleeGetsEarlyMediaPushAndTheCallWhenItRegisters() throws Exception {
        registerThenSleep("bob", 2);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            // the caller stays in the call long enough for the early media to be checked before its BYE
            int phoneMedia = PushgateProcess.freeMediaPort();
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("bob", rtp.port(), phoneMedia),
                    Sipp.pause(4000),
                    Sipp.send(inDialog("bob", "BYE", 3)),
                    Sipp.recv(200))), proxy.uri(), PushgateProcess.freePort());

            List<RtpReceiver.Packet> packets = rtp.collect(10_000, 2_000);
            assertEarlyMedia(packets, 0);

            MockApns.Push push = nextApns();
            assertEquals("V0IPT0KEN", push.token());
            assertEquals("voip", push.pushType());
            assertTrue(push.payload(), push.payload().contains("sip:alice@127.0.0.1"));

            int phonePort = PushgateProcess.freePort();
            Sipp.Running phone = Sipp.start(work, Calls.uas(), null, phonePort, "-mp", Integer.toString(phoneMedia));
            registerFor("bob", "<sip:bob@127.0.0.1:" + phonePort + APNS_PARAMS + ">;+sip.instance=" + INSTANCE, 600);
            Await.until("the caller acknowledged the phone's answer", 20, () -> caller.traced("ACK sip:device@"));
            assertEquals("early media must stop once the callee answered, before anyone hangs up", 0, rtp.countFresh(500));
            proxy.assertPassed(phone.await());
            server.assertPassed(caller.await());
        }
        String log = server.log();
        assertTrue(PushgateProcess.tail(log), log.contains("handed back to the proxy"));
        assertFalse(PushgateProcess.tail(log), log.contains("Exception"));
        assertTrace("bob", "answered", "invite", "push", "push-accepted", "register", "hand-back", "answer", "end");
    }

    /**
     * A call from an upstream provider (a real Kamailio) to one of the proxy's remote registrations
     * is for a local user whose phone sleeps: it goes to the application server, the phone is
     * pushed, registers, and the call connects (docs/uac.md).
     */
    @Test
    public void aCallFromAProviderThroughARemoteRegistrationReachesASleepingPhone() throws Exception {
        try (Kamailio provider = Kamailio.start(work, "provider.cfg", "127.0.0.3", PushgateProcess.freePort())) {
            PushgateProcess.CommandResult added = proxy.commandWithInput("pw-acme\n", "uac", "add", "--l-uuid", "line-ivy",
                    "--l-username", "ivy", "--l-domain", "localhost", "--r-username", "acme", "--r-domain", provider.address(), "--expires", "12");
            assertEquals(added.output(), 0, added.exit());
            long deadline = System.currentTimeMillis() + 20_000;
            while (!provider.kamcmd("ul.dump").contains("sip:line-ivy@127.0.0.1:" + proxy.sipPort)) {
                assertTrue("the proxy did not register with the provider:\n" + provider.log(), System.currentTimeMillis() < deadline);
                Thread.sleep(200);
            }
            registerThenSleep("ivy", 2);
            apns.drain();
            try (RtpReceiver rtp = new RtpReceiver()) {
                // the caller is a user of the provider, which challenges it (its password there is pw-alice too); the
                // provider has an address of its own: calls from the application server's address are hand-backs
                int phoneMedia = PushgateProcess.freeMediaPort();
                Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("acme", rtp.port(), phoneMedia),
                        Sipp.pause(300),
                        Sipp.send(inDialog("acme", "BYE", 3)),
                        Sipp.recv(200))), provider.address(), PushgateProcess.freePort());
                assertEquals("V0IPT0KEN", nextApns().token());
                int phonePort = PushgateProcess.freePort();
                Sipp.Running phone = Sipp.start(work, Calls.uas(), null, phonePort, "-mp", Integer.toString(phoneMedia));
                registerFor("ivy", "<sip:ivy@127.0.0.1:" + phonePort + APNS_PARAMS + ">;+sip.instance=" + INSTANCE, 600);
                proxy.assertPassed(phone.await());
                proxy.assertPassed(caller.await());
            }
        }
    }

    /** 50 packets/s of 160-byte G.711, one SSRC, consecutive sequence numbers, timestamps 160 apart, marker first. */
    private static void assertEarlyMedia(List<RtpReceiver.Packet> packets, int payloadType) {
        assertTrue("expected about 100 packets in 2 s, got " + packets.size(), packets.size() >= 90 && packets.size() <= 102);
        RtpReceiver.Packet first = packets.get(0);
        assertTrue("marker bit on the first packet", first.marker());
        for (int i = 0; i < packets.size(); i++) {
            RtpReceiver.Packet p = packets.get(i);
            assertEquals(2, p.version());
            assertEquals(payloadType, p.payloadType());
            assertEquals(160, p.payloadLength());
            assertEquals(first.ssrc(), p.ssrc());
            assertEquals("sequence continuity at " + i, (first.seq() + i) & 0xffff, p.seq());
            assertEquals("timestamp continuity at " + i, (first.timestamp() + 160L * i) & 0xffffffffL, p.timestamp());
            if (i > 0) assertFalse("marker only on the first packet", p.marker());
        }
        double seconds = (packets.get(packets.size() - 1).arrivalNanos() - first.arrivalNanos()) / 1e9;
        double rate = (packets.size() - 1) / seconds;
        assertTrue("packet rate " + rate + "/s", rate > 45 && rate < 55);
    }

    @Test
    public void noRegistrationInTimeEndsWith480AndReason() throws Exception {
        registerThenSleep("carol", 1);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            long started = System.nanoTime();
            proxy.assertPassed(Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia("carol", rtp.port()),
                    Sipp.recv(480, "Reason: *SIP;cause=480"),
                    Sipp.ackNon2xx("sip:carol@[remote_ip]:[remote_port]"))), proxy.uri(), PushgateProcess.freePort()).await());
            double waited = (System.nanoTime() - started) / 1e9;
            assertTrue("480 after the wait timeout, came after " + waited + " s", waited >= WAIT_TIMEOUT - 0.5);
            assertNotNull(nextApns());
            assertEquals("early media stops with the call", 0, rtp.countFresh(500));
        }
        assertTrace("carol", "timeout", "invite", "push", "push-accepted", "end");
    }

    /**
     * A kill -9 of the application server while the call waits with early media: after the
     * restart the caller gets 480 from the kept row, relayed by the proxy, instead of silence.
     */
    @Test
    public void aCallWaitingWhenTheServerIsKilledIsAnsweredAfterTheRestart() throws Exception {
        callWaitingWhenKilledIsAnsweredAfterTheRestart("mia", server, "push server holding the call restarted while the callee was waking");
    }

    /**
     * The same with the registrar/proxy killed while the call waits at the application server: the
     * server's answers would go to a proxy that no longer has the transaction, so the restarted
     * proxy answers the caller 480 itself from the row it kept.
     */
    @Test
    public void aCallWaitingWhenTheProxyIsKilledIsAnsweredAfterTheRestart() throws Exception {
        callWaitingWhenKilledIsAnsweredAfterTheRestart("nina", proxy, "proxy restarted while the callee was waking");
    }

    private static void callWaitingWhenKilledIsAnsweredAfterTheRestart(String callee, PushgateProcess killed, String reason) throws Exception {
        registerThenSleep(callee, 1);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia(callee, rtp.port()),
                    Sipp.recv(480, "Reason:.*" + reason),
                    Sipp.ackNon2xx("sip:" + callee + "@[remote_ip]:[remote_port]"))), proxy.uri(), PushgateProcess.freePort(), "-timeout", "60s");
            assertNotNull(nextApns());
            killed.kill();
            killed.start();
            proxy.assertPassed(caller.await());
        }
    }

    @Test
    public void callerCancelStopsEverythingAndSendsMissedCallAlert() throws Exception {
        registerThenSleep("dave", 1);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            proxy.assertPassed(Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia("dave", rtp.port()),
                    Sipp.pause(1000),
                    cancel("dave"))), proxy.uri(), PushgateProcess.freePort()).await());
            assertEquals("voip", nextApns().pushType());
            MockApns.Push missed = nextApns();
            assertEquals("REM0TET0KEN", missed.token());
            assertEquals("alert", missed.pushType());
            assertEquals("early media stops with the call", 0, rtp.countFresh(500));
        }
        assertTrue(PushgateProcess.tail(server.log()), server.log().contains("cancelled by the caller"));
        // not "push-accepted" before "end": under load the push service answered after the CANCEL (seen once)
        assertTrace("dave", "cancelled", "invite", "push", "end", "push");
    }

    /** The woken phone registers from {@code port}; whatever it does with the call is in its scenario. */
    private static Sipp.Running wakeUp(String user, String phoneScenario, int port) throws Exception {
        Sipp.Running phone = Sipp.start(work, phoneScenario, null, port);
        registerFor(user, "<sip:" + user + "@127.0.0.1:" + port + APNS_PARAMS + ">;+sip.instance=" + INSTANCE, 600);
        return phone;
    }

    /**
     * iOS shows a call for each VoIP push (CallKit): a pushed device that never registered must be
     * told the call was answered on another; the device that answered is not.
     */
    @Test
    public void aPushedDeviceThatStayedAsleepHearsTheCallWasAnsweredElsewhere() throws Exception {
        String tablet = ";pn-provider=apns.dev;pn-prid=TABLETV0IP:voip&TABLETREM0TE:remote;pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE
                + ".voip&remote";
        String tabletInstance = "\"<urn:uuid:00000000-0000-4000-8000-0000000000e2>\"";
        registerFor("olga", "<sip:olga@127.0.0.1:" + PushgateProcess.freePort() + APNS_PARAMS + ">;+sip.instance=" + INSTANCE, 1);
        registerFor("olga", "<sip:olga@127.0.0.1:" + PushgateProcess.freePort() + tablet + ">;+sip.instance=" + tabletInstance, 1);
        Thread.sleep(1500); // both apps asleep: their bindings expired
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("olga", rtp.port()),
                    Sipp.pause(300), Sipp.send(inDialog("olga", "BYE", 3)), Sipp.recv(200))), proxy.uri(), PushgateProcess.freePort());
            java.util.Set<String> voip = new java.util.HashSet<>(java.util.List.of(nextApns().token(), nextApns().token()));
            assertEquals(java.util.Set.of("V0IPT0KEN", "TABLETV0IP"), voip);
            int port = PushgateProcess.freePort();
            Sipp.Running woken = Sipp.start(work, Calls.uas(), null, port); // the tablet wakes and answers
            registerFor("olga", "<sip:olga@127.0.0.1:" + port + tablet + ">;+sip.instance=" + tabletInstance, 600);
            proxy.assertPassed(woken.await());
            proxy.assertPassed(caller.await());
        }
        MockApns.Push alert = nextApns();
        assertEquals("the phone that slept on", "REM0TET0KEN", alert.token());
        assertTrue(alert.payload(), alert.payload().contains("answered_elsewhere"));
        assertNull("nothing for the tablet that answered", apns.next(2));
    }

    @Test
    public void theCalleesBusyIsRelayedToTheCaller() throws Exception {
        registerThenSleep("erin", 1);
        try (RtpReceiver rtp = new RtpReceiver()) {
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia("erin", rtp.port()),
                    Sipp.recv(486, "SIP/2.0 486 Busy Here"),
                    Sipp.ackNon2xx("sip:erin@[remote_ip]:[remote_port]"))), proxy.uri(), PushgateProcess.freePort());
            assertNotNull(nextApns());
            Sipp.Running phone = wakeUp("erin", Sipp.scenario(
                    "<recv request=\"INVITE\"/>",
                    Calls.answerWithoutBody("486 Busy Here"),
                    "<recv request=\"ACK\"/>"), PushgateProcess.freePort());
            proxy.assertPassed(phone.await());
            server.assertPassed(caller.await());
            assertEquals("early media stops with the call", 0, rtp.countFresh(500));
        }
    }

    @Test
    public void thePhoneHangsUpAndTheCallerGetsTheBye() throws Exception {
        registerThenSleep("frank", 1);
        try (RtpReceiver rtp = new RtpReceiver()) {
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("frank", rtp.port()),
                    "<recv request=\"BYE\"/>",
                    Calls.okToLastRequest(),
                    "<timewait milliseconds=\"500\"/>")), proxy.uri(), PushgateProcess.freePort());
            assertNotNull(nextApns());
            Sipp.Running phone = wakeUp("frank", Sipp.scenario(
                    "<recv request=\"INVITE\" rrs=\"true\"><action><ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" assign_to=\"caller\"/></action></recv>",
                    Calls.answerWithSdp(),
                    "<recv request=\"ACK\"/>",
                    Sipp.pause(1500),
                    Sipp.send("""
                            BYE [next_url] SIP/2.0
                            Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                            [routes]
                            Max-Forwards: 70
                            From: <sip:frank@127.0.0.1>;tag=[pid]s[call_number]
                            To:[$caller]
                            Call-ID: [call_id]
                            CSeq: 1 BYE
                            Content-Length: 0
                            """),
                    Sipp.recv(200)), PushgateProcess.freePort());
            proxy.assertPassed(phone.await());
            server.assertPassed(caller.await());
        }
    }

    @Test
    public void aUserMarkedForPushWithoutDevicesStillWaitsAtTheApplicationServer() throws Exception {
        try (RtpReceiver rtp = new RtpReceiver()) {
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia("gina", rtp.port()),
                    Sipp.pause(500),
                    cancel("gina"))), proxy.uri(), PushgateProcess.freePort());
            proxy.assertPassed(caller.await());
        }
        assertTrue(PushgateProcess.tail(server.log()), server.log().contains("no push device known, waiting without a push"));
        // Not marked and no device: the proxy answers 480 itself.
        proxy.sipp(
                Sipp.send(invite("hal", 1, "", 4000)), Sipp.optional(100), Sipp.recv(407),
                Sipp.ackNon2xx("sip:hal@[remote_ip]:[remote_port]"),
                Sipp.send(invite("hal", 2, auth("alice", "pw-alice"), 4000)), Sipp.optional(100),
                Sipp.recv(480), Sipp.ackNon2xx("sip:hal@[remote_ip]:[remote_port]"));
    }

    @Test
    public void aDeadPushTokenEndsTheCallAtOnceAndTheProxyForgetsTheDevice() throws Exception {
        apns.deadTokens.add("DEADV0IP");
        String contact = "<sip:ivy@127.0.0.1:" + PushgateProcess.freePort() + ";pn-provider=apns.dev;pn-prid=DEADV0IP:voip&DEADREM0TE:remote"
                + ";pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip&remote>;+sip.instance=" + INSTANCE;
        registerFor("ivy", contact, 1);
        Thread.sleep(1500);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            long started = System.nanoTime();
            proxy.assertPassed(Sipp.start(work, Sipp.scenario(concat(callUntilEarlyMedia("ivy", rtp.port()),
                    // the caller hears why, but not which device: that header is for the proxy only
                    Sipp.recv(480, List.of("Reason: *SIP;cause=480;text=\"Push token no longer valid\""), List.of("Push-Device-Gone")),
                    Sipp.ackNon2xx("sip:ivy@[remote_ip]:[remote_port]"))), proxy.uri(), PushgateProcess.freePort()).await());
            double waited = (System.nanoTime() - started) / 1e9;
            assertTrue("480 long before the wait timeout, came after " + waited + " s", waited < WAIT_TIMEOUT - 1);
            assertEquals("REJECTED", nextApns().token());
        }
        assertTrace("ivy", "token_dead", "invite", "push", "push-token-dead", "end");
        assertTrue(PushgateProcess.tail(proxy.log()), proxy.log().contains("push token is no longer valid"));
        // The device is forgotten: the next call is answered 480 by the proxy itself, without the application server.
        int before = (int) server.log().lines().filter(l -> l.contains("waits with early media")).count();
        proxy.sipp(
                Sipp.send(invite("ivy", 1, "", 4000)), Sipp.optional(100), Sipp.recv(407),
                Sipp.ackNon2xx("sip:ivy@[remote_ip]:[remote_port]"),
                Sipp.send(invite("ivy", 2, auth("alice", "pw-alice"), 4000)), Sipp.optional(100),
                Sipp.recv(480), Sipp.ackNon2xx("sip:ivy@[remote_ip]:[remote_port]"));
        assertEquals(before, server.log().lines().filter(l -> l.contains("waits with early media")).count());
    }

    private static String console(PushgateProcess p, String view) {
        return "http://127.0.0.1:" + p.managementPort + "/pushgate/console" + view;
    }

    /** Reloads a console page until the element's text contains {@code expected}; returns that text. */
    private static String awaitOnPage(BrowserPage page, String url, String selector, String expected) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String text;
        do {
            assertEquals(200, page.go(url));
            text = page.text(selector);
            if (text != null && text.contains(expected)) return text;
            Thread.sleep(300);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError(selector + " of " + url + " never showed " + expected + ": " + text);
    }

    /**
     * The console as an operator uses it, in Chromium: a real phone (baresip) is found among the
     * proxy's registrations, a pushed call shows on the application server as waiting, then as
     * answered with its trace, and the phone's binding is deleted from the page (and from the store).
     * Every page is saved as a screenshot under target/console-screenshots.
     */
    @Test
    public void theConsoleShowsAPhoneAndAPushedCallAndDeletesABinding() throws Exception {
        try (Baresip phone = new Baresip(work, "kim", "pw-kim", proxy.uri());
             BrowserPage page = BrowserPage.open("ops", CONSOLE_PASSWORD)) {
            phone.awaitRegistered(15);
            String devices = awaitOnPage(page, console(proxy, "/registrations?user=kim"), "#devices", "baresip");
            assertTrue(devices, devices.contains("udp"));
            page.screenshot(SCREENSHOTS.resolve("registrations.png"));

            registerThenSleep("leo", 1);
            apns.drain();
            try (RtpReceiver rtp = new RtpReceiver()) {
                Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("leo", rtp.port()),
                        Sipp.pause(300), Sipp.send(inDialog("leo", "BYE", 3)), Sipp.recv(200))), proxy.uri(), PushgateProcess.freePort());
                awaitOnPage(page, console(server, "/calls"), "#waiting", "sip:leo@");
                page.screenshot(SCREENSHOTS.resolve("calls-waiting.png"));
                assertEquals("V0IPT0KEN", nextApns().token());
                Sipp.Running woken = wakeUp("leo", Calls.uas(), PushgateProcess.freePort());
                proxy.assertPassed(woken.await());
                proxy.assertPassed(caller.await());
            }
            awaitOnPage(page, console(server, "/calls"), "#recent", "answered");
            page.screenshot(SCREENSHOTS.resolve("calls-answered.png"));
            assertEquals(200, page.click("#recent a"));
            assertTrue(page.text("#events"), page.text("#events").contains("hand-back"));
            page.screenshot(SCREENSHOTS.resolve("call-trace.png"));

            assertEquals(200, page.go(console(proxy, "/registrations?user=kim")));
            assertEquals(200, page.click("#devices button"));
            assertTrue(page.text("#devices"), page.text("#devices").contains("none"));
            page.screenshot(SCREENSHOTS.resolve("registrations-deleted.png"));
            ManagementClient api = new ManagementClient(proxy);
            String key = api.addKey("console-check", "read");
            assertEquals("the store holds no binding of kim", "{\"devices\":[]}",
                    api.call("GET", "/api/v1/subscribers/kim/devices", key, null).body());

            assertEquals(200, page.go(console(proxy, "/subscribers")));
            assertEquals(200, page.click("#subscribers tr:has-text(\"kim\") button"));
            String link = page.text("#link");
            assertTrue(link, link.startsWith("http://") && link.contains("/provisioning/"));
            HttpResponse<String> config = ManagementClient.HTTP.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue("the console's link gives kim's Linphone configuration", config.statusCode() == 200 && config.body().contains("kim"));
            page.screenshot(SCREENSHOTS.resolve("provisioning-link.png"));

            for (String view : new String[] {"", "/subscribers", "/messages", "/remote-registrations"}) {
                assertEquals(200, page.go(console(proxy, view)));
                page.screenshot(SCREENSHOTS.resolve("proxy" + (view.isEmpty() ? "-overview" : view.replace('/', '-')) + ".png"));
            }
        }
    }

    /**
     * The application server's trace of the newest call for {@code user}, read as an operator reads
     * it ({@code pushgate trace}): it ended with {@code outcome}, and these events came in this order.
     */
    private static void assertTrace(String user, String outcome, String... types) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        String text = "";
        while (System.currentTimeMillis() < deadline && !text.contains("outcome: " + outcome + " (")) {
            String callId = server.command("trace", "--recent", "100").output().lines()
                    .filter(l -> l.contains("\tsip:" + user + "@")).map(l -> l.split("\t")[0]).findFirst().orElse(null);
            if (callId != null) text = server.command("trace", callId).output();
            else Thread.sleep(200);
        }
        assertTrue(text, text.contains("outcome: " + outcome + " ("));
        List<String> seen = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*[+-]\\d+ ms  (\\S+)").matcher(text);
        while (m.find()) seen.add(m.group(1));
        int at = -1;
        for (String t : types) {
            int i = seen.subList(at + 1, seen.size()).indexOf(t);
            assertTrue(t + " expected after " + (at < 0 ? "the start" : seen.get(at)) + " in:\n" + text, i >= 0);
            at += i + 1;
        }
    }

}
