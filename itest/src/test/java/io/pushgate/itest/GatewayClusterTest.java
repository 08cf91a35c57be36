package io.pushgate.itest;

import static io.pushgate.itest.GatewayTest.APNS_PARAMS;
import static io.pushgate.itest.GatewayTest.INSTANCE;
import static io.pushgate.itest.GatewayTest.register;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * Two push gateway nodes on one PostgreSQL in front of one Kamailio backend: a call waits on the
 * node the sleeping device registered through, the device wakes and registers through the other
 * node, and the waiting call reaches it all the same (the binding's notice through PostgreSQL).
 */
public class GatewayClusterTest {

    @Test
    public void aDeviceWokenThroughAnotherNodeTakesTheCallWaitingOnTheFirst() throws Exception {
        Path work = TestDirs.create("pushgate-gwc");
        try (PostgresServer pg = new PostgresServer();
             Kamailio backend = Kamailio.start(work, false);
             MockApns apns = MockApns.start(work)) {
            String node = nodeConfig(backend, pg, apns);
            try (PushgateProcess a = new PushgateProcess(node); PushgateProcess b = new PushgateProcess(node)) {
                a.launch(); // both at once: the masquerading key is created by one and read by the other
                b.start();
                a.awaitReady();

                int sleepingPort = PushgateProcess.freePort(); // nothing listens there: the app sleeps
                registerDevice(a, sleepingPort);
                int callerPort = registerCaller(work, backend, a);
                Sipp.Running caller = Sipp.start(work, GatewayTest.answeredCaller(true), backend.address(), callerPort);

                MockApns.Push push = apns.next(10);
                assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(a.log()), push);
                assertEquals("voip", push.pushType());

                int wokenPort = PushgateProcess.freePort();
                Sipp.Running woken = Sipp.start(work, GatewayTest.device(false), null, wokenPort);
                registerDevice(b, wokenPort); // through the other node
                b.assertPassed(woken.await());
                a.assertPassed(caller.await());
            }
        }
    }

    /**
     * A node killed while a call waits on it: another node finds the dead run's held call (its
     * liveness lock is free) and answers the caller 480 through the backend.
     */
    @Test
    public void aCallWaitingOnAKilledNodeIsAnsweredByTheOther() throws Exception {
        Path work = TestDirs.create("pushgate-gwc");
        try (PostgresServer pg = new PostgresServer();
             Kamailio backend = Kamailio.start(work, false);
             MockApns apns = MockApns.start(work)) {
            String node = nodeConfig(backend, pg, apns).replace("call-fork-timeout = 20", "call-fork-timeout = 120")
                    + "[held-calls]\nsweep-interval = 1\n";
            try (PushgateProcess a = new PushgateProcess(node); PushgateProcess b = new PushgateProcess(node)) {
                a.launch();
                b.start();
                a.awaitReady();
                registerDevice(a, PushgateProcess.freePort()); // asleep: the call waits on a
                int callerPort = registerCaller(work, backend, a);
                Sipp.Running caller = Sipp.start(work, Sipp.scenario(
                        Sipp.send(GatewayTest.INVITE),
                        Sipp.optional(100),
                        Sipp.recv(480, "Reason:.*restarted while the device was waking"),
                        Sipp.ackNon2xx("sip:dev@example.org")), backend.address(), callerPort);
                assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(a.log()), apns.next(10));

                a.kill();
                b.assertPassed(caller.await());
            }
        }
    }

    /**
     * A message stored for a sleeping device on node a outlives node a: the device wakes and
     * registers through node b, which finds it in PostgreSQL and delivers it.
     */
    @Test
    public void aMessageStoredOnAKilledNodeIsDeliveredThroughTheOther() throws Exception {
        Path work = TestDirs.create("pushgate-gwc");
        try (PostgresServer pg = new PostgresServer();
             Kamailio backend = Kamailio.start(work, false);
             MockApns apns = MockApns.start(work)) {
            String node = nodeConfig(backend, pg, apns);
            try (PushgateProcess a = new PushgateProcess(node); PushgateProcess b = new PushgateProcess(node)) {
                a.launch();
                b.start();
                a.awaitReady();
                registerDevice(a, PushgateProcess.freePort()); // asleep
                a.assertPassed(Sipp.start(work, Sipp.scenario(
                        Sipp.send("""
                                MESSAGE sip:dev@example.org SIP/2.0
                                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                                Max-Forwards: 70
                                From: <sip:caller@example.org>;tag=[pid]m[call_number]
                                To: <sip:dev@example.org>
                                Call-ID: [call_id]
                                CSeq: 1 MESSAGE
                                Content-Type: text/plain
                                Content-Length: [len]

                                kept through a node's death"""),
                        Sipp.recv(202)), backend.address(), PushgateProcess.freePort()).await());
                assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(a.log()), apns.next(10));

                a.kill();
                int wokenPort = PushgateProcess.freePort();
                Sipp.Running woken = Sipp.start(work, Sipp.scenario(
                        "<recv request=\"MESSAGE\"><action><ereg regexp=\"kept through a node's death\" search_in=\"body\" check_it=\"true\" assign_to=\"body\"/></action></recv>",
                        Calls.answerWithoutBody("200 OK"),
                        "<timewait milliseconds=\"300\"/>"), null, wokenPort);
                registerDevice(b, wokenPort);
                b.assertPassed(woken.await());
            }
        }
    }

    /**
     * Wake-up pushes before expiry (+sip.pnsreg): every node sets the timer, one sends each push
     * (the first to claim it in PostgreSQL), and a device registered through a node that died is
     * still woken by the other.
     */
    @Test
    public void aWakeUpPushIsSentOnceAndStillWhenTheNodeTheDeviceRegisteredThroughIsDead() throws Exception {
        Path work = TestDirs.create("pushgate-gwc");
        try (PostgresServer pg = new PostgresServer();
             Kamailio backend = Kamailio.start(work, false);
             MockApns apns = MockApns.start(work)) {
            String node = nodeConfig(backend, pg, apns) + "[wake-up]\nbefore = 597\nretry = 60\n"; // Expires 600: pushed 3 s in
            try (PushgateProcess a = new PushgateProcess(node); PushgateProcess b = new PushgateProcess(node)) {
                a.launch();
                b.start();
                a.awaitReady();
                registerDevice(a, PushgateProcess.freePort(), INSTANCE + ";+sip.pnsreg");
                MockApns.Push first = apns.next(15);
                assertNotNull("woken while both nodes live", first);
                assertEquals("background", first.pushType());
                assertNull("by one node only", apns.next(3));

                String tablet = "\"<urn:uuid:00000000-0000-4000-8000-0000000000f2>\";+sip.pnsreg";
                registerDevice(a, PushgateProcess.freePort(), tablet);
                a.kill();
                MockApns.Push woken = apns.next(15);
                assertNotNull("woken by node b after node a died:\n" + PushgateProcess.tail(b.log()), woken);
                assertEquals("background", woken.pushType());
            }
        }
    }

    private static String nodeConfig(Kamailio backend, PostgresServer pg, MockApns apns) {
        return """
                [server]
                role = gateway
                [gateway]
                backend = %s
                mode = masquerade
                [registrar]
                nat-rewrite = false
                [fork-late]
                push-delay = 300
                call-fork-timeout = 20
                [database]
                url = %s
                user = pushgate
                """.formatted(backend.address(), pg.jdbcUrl()) + apns.config() + "\n";
    }

    /** The caller registers at the backend directly; returns the port it calls from. */
    private static int registerCaller(Path work, Kamailio backend, PushgateProcess node) throws Exception {
        int callerPort = PushgateProcess.freePort();
        String callerContact = "<sip:caller@127.0.0.1:" + callerPort + ">";
        node.assertPassed(Sipp.start(work, Sipp.scenario(
                Sipp.send(register("caller", 1, callerContact, "")), Sipp.recv(401),
                Sipp.send(register("caller", 2, callerContact, Requests.auth("caller", "pw-caller"))), Sipp.recv(200)),
                backend.address(), PushgateProcess.freePort()).await());
        return callerPort;
    }

    /** REGISTER of the push device through a gateway node, answering the backend's challenge. */
    private static void registerDevice(PushgateProcess node, int contactPort) throws Exception {
        registerDevice(node, contactPort, INSTANCE);
    }

    /** The same for the device of {@code instance} (with any further Contact parameters). */
    private static void registerDevice(PushgateProcess node, int contactPort, String instance) throws Exception {
        String contact = "<sip:dev@127.0.0.1:" + contactPort + APNS_PARAMS + ">;+sip.instance=" + instance;
        node.sipp(Sipp.send(register("dev", 1, contact, "")), Sipp.recv(401),
                Sipp.send(register("dev", 2, contact, Requests.auth("dev", "pw-dev"))), Sipp.recv(200));
    }
}
