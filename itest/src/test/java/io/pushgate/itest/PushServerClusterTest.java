package io.pushgate.itest;

import static io.pushgate.itest.PushedCalls.callUntilConnected;
import static io.pushgate.itest.PushedCalls.callUntilEarlyMedia;
import static io.pushgate.itest.PushedCalls.concat;
import static io.pushgate.itest.PushedCalls.inDialog;
import static io.pushgate.itest.PushedCalls.invite;
import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.nio.file.Path;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The push application server (127.0.0.2) behind two registrar nodes on one PostgreSQL: a phone
 * registers its push parameters through one node, the call for it arrives at the other. That node
 * must know the phone can be woken (the push device rows, told across nodes), route the call to the
 * application server, and tell the application server when the phone registers again, wherever it
 * does; a dead push token found through one node is forgotten by both; with the node the
 * application server is configured to watch dead, a call from the other is watched and handed back
 * there. In order: the last kills node b.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class PushServerClusterTest {
    private static final String INSTANCE = "\"<urn:uuid:00000000-0000-4000-8000-0000000000c1>\"";
    /** A VoIP token (the call's push) and a remote-notification token, as the Linphone app registers them. */
    private static final String APNS_PARAMS = ";pn-provider=apns.dev;pn-prid=%1$s:voip&REM0TE%1$s:remote"
            + ";pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip&remote";
    private static Path work;
    private static PostgresServer pg;
    private static MockApns apns;
    private static PushgateProcess server;
    private static PushgateProcess a;
    private static PushgateProcess b;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-as-cluster");
        pg = new PostgresServer();
        apns = MockApns.start(work);
        server = new PushgateProcess("");
        String node = """
                [database]
                url = %s
                user = pushgate

                [registrar]
                min-expires = 1
                nat-rewrite = false

                [auth]
                trusted-peers = 127.0.0.2

                [push-server]
                route-to = sip:127.0.0.2:%d
                """.formatted(pg.jdbcUrl(), server.sipPort);
        a = new PushgateProcess(node);
        b = new PushgateProcess(node);
        // the application server subscribes at, and hands calls back to, node b; it takes calls from both
        server.configurePushServer(b.uri(), 10, "42100-42199", "accept-from = 127.0.0.1\n" + apns.config());
        for (String user : new String[] {"alice", "bob", "dan", "erin"}) assertEquals(0, a.addSubscriber(user, "pw-" + user).exit());
        a.launch();
        b.start();
        a.awaitReady();
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, a, b, apns, pg}) if (c != null) c.close();
    }

    private static String contact(String user, int port, String token) {
        return "<sip:" + user + "@127.0.0.1:" + port + APNS_PARAMS.formatted(token) + ">;+sip.instance=" + INSTANCE;
    }

    private static void registerThrough(PushgateProcess node, String user, String contact, int seconds) throws Exception {
        node.sipp(Sipp.send(register(user, 1, contact, Integer.toString(seconds), "")), Sipp.recv(401),
                Sipp.send(register(user, 2, contact, Integer.toString(seconds), auth(user, "pw-" + user))), Sipp.recv(200));
    }

    /** Registers through the node for two seconds, then waits until that binding has expired: the app sleeps. */
    private static void registerThenSleep(PushgateProcess node, String user, String token) throws Exception {
        registerThrough(node, user, contact(user, PushgateProcess.freePort(), token), 2);
        Await.until(user + "'s binding expired", 10, () -> !hasLiveBinding(user));
    }

    private static boolean hasLiveBinding(String user) {
        return count("select count(*) from binding where aor like 'sip:" + user + "@%' and expires_at > "
                + System.currentTimeMillis()) > 0;
    }

    private static long count(String sql) {
        return StoredRows.count(pg.jdbcUrl(), sql);
    }

    @Test
    public void a_aPhoneRegisteredThroughOneNodeIsPushedForACallThroughTheOtherAndTheCallConnects() throws Exception {
        // the application server watches node b, which also sent it the call; the phone wakes and registers through node a
        pushedCallConnects("bob", "B0BT0KEN", a, b, a);
    }

    /** The phone registers through {@code registeredAt} and sleeps; a call through {@code calledAt} wakes it; it registers through {@code wakesAt}; the call connects. */
    private static void pushedCallConnects(String user, String token, PushgateProcess registeredAt, PushgateProcess calledAt,
                                           PushgateProcess wakesAt) throws Exception {
        registerThenSleep(registeredAt, user, token);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            int phoneMedia = PushgateProcess.freeMediaPort();
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected(user, rtp.port(), phoneMedia),
                    Sipp.pause(300),
                    Sipp.send(inDialog(user, "BYE", 3)),
                    Sipp.recv(200))), calledAt.uri(), PushgateProcess.freePort());
            MockApns.Push push = apns.next(10);
            assertNotNull("the phone was not pushed:\n" + PushgateProcess.tail(calledAt.log()), push);
            assertEquals(token, push.token());
            int phonePort = PushgateProcess.freePort();
            Sipp.Running phone = Sipp.start(work, Calls.uas(), null, phonePort, "-mp", Integer.toString(phoneMedia));
            registerThrough(wakesAt, user, contact(user, phonePort, token), 600);
            calledAt.assertPassed(phone.await());
            server.assertPassed(caller.await());
        }
    }

    @Test
    public void c_withTheConfiguredNodeDeadACallFromTheOtherIsWatchedAndHandedBackThere() throws Exception {
        b.kill();
        // node a sent the call: the application server subscribes at node a and hands the call back to it
        pushedCallConnects("erin", "ER1NT0KEN", a, a, a);
    }

    @Test
    public void b_aDeadTokenFoundThroughOneNodeIsForgottenByTheOther() throws Exception {
        apns.deadTokens.add("D34DT0KEN");
        registerThenSleep(a, "dan", "D34DT0KEN");
        assertEquals(1, count("select count(*) from push_device where aor like 'sip:dan@%'"));
        // through node b: pushed, APNs says the token is dead, the caller gets 480 and node b deletes the device
        Sipp.Result first = Sipp.run(work, Sipp.scenario(concat(callUntilEarlyMedia("dan", PushgateProcess.freeMediaPort()),
                Sipp.recv(480), Sipp.ackNon2xx("sip:dan@[remote_ip]:[remote_port]"))), b.uri());
        b.assertPassed(first);
        assertEquals(0, count("select count(*) from push_device where aor like 'sip:dan@%'"));
        // node a, which stored the device, must not send the next call to the application server (no 183 before the 480)
        Await.until("node a forgot dan's device", 10, () -> answersUnavailableItself(a, "dan"));
    }

    /** A call for the user through the node gets the node's own 480: no 183 from the application server before it. */
    private static boolean answersUnavailableItself(PushgateProcess node, String user) {
        try {
            return Sipp.run(work, Sipp.scenario(
                    Sipp.send(invite(user, 1, "", 4000)), Sipp.optional(100), Sipp.recv(407),
                    Sipp.ackNon2xx("sip:" + user + "@[remote_ip]:[remote_port]"),
                    Sipp.send(invite(user, 2, auth("alice", "pw-alice"), 4000)), Sipp.optional(100),
                    Sipp.recv(480), Sipp.ackNon2xx("sip:" + user + "@[remote_ip]:[remote_port]")), node.uri(), "-timeout", "15s").passed();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
