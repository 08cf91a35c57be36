package io.pushgate.itest;

import static io.pushgate.itest.PushedCalls.callUntilConnectedFrom;
import static io.pushgate.itest.PushedCalls.concat;
import static io.pushgate.itest.PushedCalls.inDialog;
import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Two push application servers (127.0.0.2 and 127.0.0.3) behind the shipped Kamailio dispatcher
 * (deploy/kamailio-dispatcher.cfg, on 127.0.0.4), to which the registrar node sends the calls for
 * sleeping phones: a user's calls meet one server, which watches the call at the node and hands it
 * back there directly (the node's Via below the dispatcher's); with that server dead, the user's
 * next call goes to the other and connects. In order: the last kills a server.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class PushServerDispatcherTest {
    private static final String INSTANCE = "\"<urn:uuid:00000000-0000-4000-8000-0000000000c2>\"";
    private static final String APNS_PARAMS = ";pn-provider=apns.dev;pn-prid=%1$s:voip&REM0TE%1$s:remote"
            + ";pn-param=" + MockApns.TEAM + "." + MockApns.BUNDLE + ".voip&remote";
    private static final String SERVERS = "127\\.0\\.0\\.[23]";
    private static Path work;
    private static MockApns apns;
    private static PushgateProcess node;
    private static PushgateProcess pushA;
    private static PushgateProcess pushB;
    private static Kamailio dispatcher;
    /** The server that took bob's first call. */
    private static String bobsServer;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-as-dispatcher");
        apns = MockApns.start(work);
        int dispatcherPort = PushgateProcess.freePort();
        node = new PushgateProcess("""
                [registrar]
                min-expires = 1
                nat-rewrite = false

                [auth]
                trusted-peers = 127.0.0.2, 127.0.0.3

                [push-server]
                route-to = sip:push-server@127.0.0.4:%d
                """.formatted(dispatcherPort));
        pushA = new PushgateProcess("");
        pushB = new PushgateProcess("");
        String fromTheDispatcher = "accept-from = 127.0.0.1\ndispatcher-addresses = 127.0.0.4\n" + apns.config();
        pushA.configurePushServer("127.0.0.2", node.uri(), 10, "42200-42299", fromTheDispatcher);
        pushB.configurePushServer("127.0.0.3", node.uri(), 10, "42300-42399", fromTheDispatcher);
        for (String user : new String[] {"alice", "bob"}) assertEquals(0, node.addSubscriber(user, "pw-" + user).exit());
        node.launch();
        pushA.launch();
        pushB.start();
        node.awaitReady();
        pushA.awaitReady();

        Path list = work.resolve("nodes.list");
        Files.writeString(list, "1 sip:" + node.uri() + "\n2 sip:127.0.0.2:" + pushA.sipPort + "\n2 sip:127.0.0.3:" + pushB.sipPort + "\n",
                StandardCharsets.UTF_8);
        dispatcher = Kamailio.startFile(work, PushgateProcess.ROOT.resolve("deploy/kamailio-dispatcher.cfg"), "127.0.0.4", dispatcherPort,
                "DISPATCHER_LIST=\"" + list + "\"", "PROBE_INTERVAL=1");
    }

    @AfterClass
    public static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {dispatcher, pushA, pushB, node, apns}) if (c != null) c.close();
    }

    @Test
    public void a_aUsersCallsGoThroughTheDispatcherToOneServerAndConnect() throws Exception {
        bobsServer = pushedCallConnects("bob", "B0BT0KEN");
        assertEquals("the user's next call meets the same server", bobsServer, pushedCallConnects("bob", "B0BT0KEN"));
    }

    @Test
    public void b_withThatServerDeadTheUsersNextCallGoesToTheOtherAndConnects() throws Exception {
        assertNotNull("a_ ran first", bobsServer);
        (bobsServer.equals("127.0.0.2") ? pushA : pushB).kill();
        assertNotEquals(bobsServer, pushedCallConnects("bob", "B0BT0KEN"));
    }

    /**
     * The phone registers and sleeps; a call wakes it through whichever server the dispatcher
     * picks; it registers again and the call connects. Returns that server's address.
     */
    private static String pushedCallConnects(String user, String token) throws Exception {
        registerThrough(user, contact(user, PushgateProcess.freePort(), token), 2);
        Await.until(user + "'s binding expired", 10, () -> StoredRows.count(node.jdbcUrl(), "select count(*) from binding where aor like 'sip:"
                + user + "@%' and expires_at > " + System.currentTimeMillis()) == 0);
        apns.drain();
        try (RtpReceiver rtp = new RtpReceiver()) {
            int phoneMedia = PushgateProcess.freeMediaPort();
            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(
                    callUntilConnectedFrom(user, rtp.port(), SERVERS, "c=IN IP4 127\\.0\\.0\\.1", "m=audio " + phoneMedia + " "),
                    Sipp.pause(300),
                    Sipp.send(inDialog(user, "BYE", 3)),
                    Sipp.recv(200))), node.uri(), PushgateProcess.freePort());
            MockApns.Push push = apns.next(15);
            assertNotNull("the phone was not pushed:\n" + PushgateProcess.tail(node.log()) + "\n" + dispatcher.log(), push);
            assertEquals(token, push.token());
            int phonePort = PushgateProcess.freePort();
            Sipp.Running phone = Sipp.start(work, Calls.uas(), null, phonePort, "-mp", Integer.toString(phoneMedia));
            registerThrough(user, contact(user, phonePort, token), 600);
            node.assertPassed(phone.await());
            Sipp.Result call = caller.await();
            node.assertPassed(call);
            Matcher early = Pattern.compile("SIP/2\\.0 183 [\\s\\S]*?c=IN IP4 (" + SERVERS + ")").matcher(call.messages());
            assertTrue("early media from a push server:\n" + call.messages(), early.find());
            return early.group(1);
        }
    }

    private static String contact(String user, int port, String token) {
        return "<sip:" + user + "@127.0.0.1:" + port + APNS_PARAMS.formatted(token) + ">;+sip.instance=" + INSTANCE;
    }

    private static void registerThrough(String user, String contact, int seconds) throws Exception {
        node.sipp(Sipp.send(register(user, 1, contact, Integer.toString(seconds), "")), Sipp.recv(401),
                Sipp.send(register(user, 2, contact, Integer.toString(seconds), auth(user, "pw-" + user))), Sipp.recv(200));
    }
}
