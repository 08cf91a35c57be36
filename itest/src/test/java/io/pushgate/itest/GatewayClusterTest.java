package io.pushgate.itest;

import static io.pushgate.itest.GatewayTest.APNS_PARAMS;
import static io.pushgate.itest.GatewayTest.INSTANCE;
import static io.pushgate.itest.GatewayTest.register;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.Test;

/**
 * Two push gateway nodes on one PostgreSQL in front of one Kamailio backend: what a node holds
 * for a sleeping device (a waiting call, a stored message, its wake-up pushes) reaches the device
 * when it registers through the other node, and survives the first node's death.
 */
public class GatewayClusterTest {

    /** PostgreSQL, the backend, the mock APNs and gateway nodes a and b, started at the same moment. */
    private static final class TwoNodes implements AutoCloseable {
        final Path work;
        PostgresServer pg;
        Kamailio backend;
        MockApns apns;
        PushgateProcess a;
        PushgateProcess b;

        /** {@code config} may change the nodes' common configuration. */
        TwoNodes(UnaryOperator<String> config) throws Exception {
            work = TestDirs.create("pushgate-gwc");
            try {
                start(config);
            } catch (Exception | AssertionError e) {
                close(); // what started before the failure
                throw e;
            }
        }

        private void start(UnaryOperator<String> config) throws Exception {
            pg = new PostgresServer();
            backend = Kamailio.start(work, false);
            apns = MockApns.start(work);
            String node = config.apply("""
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
                    """.formatted(backend.address(), pg.jdbcUrl()) + apns.config() + "\n");
            a = new PushgateProcess(node);
            b = new PushgateProcess(node);
            a.launch(); // both at once: the masquerading key is created by one and read by the other
            b.start();
            a.awaitReady();
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : new AutoCloseable[] {b, a, apns, backend, pg}) if (c != null) c.close();
        }

        /** Kamailio's dispatcher with the configuration in deploy/, in front of nodes a and b. */
        Kamailio dispatcher(int port) throws Exception {
            Path list = work.resolve("nodes.list");
            java.nio.file.Files.writeString(list, "1 sip:" + a.uri() + "\n1 sip:" + b.uri() + "\n");
            return Kamailio.startFile(work, PushgateProcess.ROOT.resolve("deploy/kamailio-dispatcher.cfg"), port,
                    "DISPATCHER_LIST=\"" + list + "\"", "PROBE_INTERVAL=1");
        }

        /** The caller registers at the backend directly; returns the port it calls from. */
        int registerCaller() throws Exception {
            int callerPort = PushgateProcess.freePort();
            String callerContact = "<sip:caller@127.0.0.1:" + callerPort + ">";
            a.assertPassed(Sipp.start(work, Sipp.scenario(
                    Sipp.send(register("caller", 1, callerContact, "")), Sipp.recv(401),
                    Sipp.send(register("caller", 2, callerContact, Requests.auth("caller", "pw-caller"))), Sipp.recv(200)),
                    backend.address(), PushgateProcess.freePort()).await());
            return callerPort;
        }
    }

    @Test
    public void aDeviceWokenThroughAnotherNodeTakesTheCallWaitingOnTheFirst() throws Exception {
        try (TwoNodes c = new TwoNodes(cfg -> cfg)) {
            registerDevice(c.a, PushgateProcess.freePort(), INSTANCE); // nothing listens there: the app sleeps
            Sipp.Running caller = Sipp.start(c.work, GatewayTest.answeredCaller(true), c.backend.address(), c.registerCaller());
            MockApns.Push push = c.apns.next(10);
            assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(c.a.log()), push);
            assertEquals("voip", push.pushType());

            int wokenPort = PushgateProcess.freePort();
            Sipp.Running woken = Sipp.start(c.work, GatewayTest.device(false), null, wokenPort);
            registerDevice(c.b, wokenPort, INSTANCE); // through the other node
            c.b.assertPassed(woken.await());
            c.a.assertPassed(caller.await());
        }
    }

    /**
     * A node killed while a call waits on it: another node finds the dead run's held call (its
     * liveness lock is free) and answers the caller 480 through the backend.
     */
    @Test
    public void aCallWaitingOnAKilledNodeIsAnsweredByTheOther() throws Exception {
        try (TwoNodes c = new TwoNodes(cfg -> cfg.replace("call-fork-timeout = 20", "call-fork-timeout = 120")
                + "[held-calls]\nsweep-interval = 1\n")) {
            registerDevice(c.a, PushgateProcess.freePort(), INSTANCE); // asleep: the call waits on a
            Sipp.Running caller = Sipp.start(c.work, Sipp.scenario(
                    Sipp.send(GatewayTest.INVITE),
                    Sipp.optional(100),
                    Sipp.recv(480, "Reason:.*restarted while the device was waking"),
                    Sipp.ackNon2xx("sip:dev@example.org")), c.backend.address(), c.registerCaller());
            assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(c.a.log()), c.apns.next(10));

            c.a.kill();
            c.b.assertPassed(caller.await());
        }
    }

    /**
     * A message stored for a sleeping device on node a outlives node a: the device wakes and
     * registers through node b, which finds it in PostgreSQL and delivers it.
     */
    @Test
    public void aMessageStoredOnAKilledNodeIsDeliveredThroughTheOther() throws Exception {
        try (TwoNodes c = new TwoNodes(cfg -> cfg)) {
            registerDevice(c.a, PushgateProcess.freePort(), INSTANCE); // asleep
            c.a.assertPassed(Sipp.start(c.work, Sipp.scenario(Sipp.send(GatewayTest.message("kept through a node's death")), Sipp.recv(202)),
                    c.backend.address(), PushgateProcess.freePort()).await());
            assertNotNull("node a pushed the sleeping device:\n" + PushgateProcess.tail(c.a.log()), c.apns.next(10));

            c.a.kill();
            int wokenPort = PushgateProcess.freePort();
            Sipp.Running woken = Sipp.start(c.work, Sipp.scenario(
                    "<recv request=\"MESSAGE\"><action><ereg regexp=\"kept through a node's death\" search_in=\"body\" check_it=\"true\" assign_to=\"body\"/></action></recv>",
                    Calls.answerWithoutBody("200 OK"),
                    "<timewait milliseconds=\"300\"/>"), null, wokenPort);
            registerDevice(c.b, wokenPort, INSTANCE);
            c.b.assertPassed(woken.await());
        }
    }

    /**
     * Wake-up pushes before expiry (+sip.pnsreg): every node sets the timer, one sends each push
     * (the first to claim it in PostgreSQL), and a device registered through a node that died is
     * still woken by the other.
     */
    @Test
    public void aWakeUpPushIsSentOnceAndStillWhenTheNodeTheDeviceRegisteredThroughIsDead() throws Exception {
        try (TwoNodes c = new TwoNodes(cfg -> cfg + "[wake-up]\nbefore = 597\nretry = 60\n")) { // Expires 600: pushed 3 s in
            registerDevice(c.a, PushgateProcess.freePort(), INSTANCE + ";+sip.pnsreg");
            MockApns.Push first = c.apns.next(15);
            assertNotNull("woken while both nodes live", first);
            assertEquals("background", first.pushType());
            assertNull("by one node only", c.apns.next(3));

            registerDevice(c.a, PushgateProcess.freePort(), "\"<urn:uuid:00000000-0000-4000-8000-0000000000f2>\";+sip.pnsreg");
            c.a.kill();
            MockApns.Push woken = c.apns.next(15);
            assertNotNull("woken by node b after node a died:\n" + PushgateProcess.tail(c.b.log()), woken);
            assertEquals("background", woken.pushType());
        }
    }

    /**
     * Behind Kamailio's dispatcher (deploy/kamailio-dispatcher.cfg), with the dispatcher's address
     * as the gateways' public address: the backend's binding of a device names the dispatcher, so
     * a call from the backend reaches the device through either node. A call connects with both
     * nodes up; the node that relayed the device's REGISTER is killed; the next call connects
     * through the other, with the same binding at the backend.
     */
    @Test
    public void behindTheDispatcherACallReachesTheDeviceAfterTheNodeThatRelayedItsRegisterDies() throws Exception {
        int dispatcherPort = PushgateProcess.freePort();
        try (TwoNodes c = new TwoNodes(cfg -> cfg.replace("mode = masquerade", "mode = masquerade\npublic-address = 127.0.0.1:" + dispatcherPort));
             Kamailio dispatcher = c.dispatcher(dispatcherPort)) {
            int devicePort = PushgateProcess.freePort();
            String contact = "<sip:dev@127.0.0.1:" + devicePort + APNS_PARAMS + ">;+sip.instance=" + INSTANCE;
            // from the device's own port: the dispatcher's Path sends the calls back to where the REGISTER came from
            c.a.assertPassed(Sipp.start(c.work, Sipp.scenario(Sipp.send(register("dev", 1, contact, "")), Sipp.recv(401),
                    Sipp.send(register("dev", 2, contact, Requests.auth("dev", "pw-dev"))), Sipp.recv(200)), dispatcher.address(), devicePort).await());
            String registers = "pushgate_sip_requests_received_total\\{method=\"REGISTER\"\\}";
            PushgateProcess relayed = c.a.metric(registers) > 0 ? c.a : c.b;
            PushgateProcess other = relayed == c.a ? c.b : c.a;
            assertFalse("one node relayed both REGISTERs (the dispatcher hashes on the AOR)", other.metric(registers) > 0);
            int callerPort = c.registerCaller();

            callThroughTheBackend(c, devicePort, callerPort, other, dispatcher);
            relayed.kill();
            callThroughTheBackend(c, devicePort, callerPort, other, dispatcher);
        }
    }

    private static void callThroughTheBackend(TwoNodes c, int devicePort, int callerPort, PushgateProcess alive, Kamailio dispatcher) throws Exception {
        Sipp.Running device = Sipp.start(c.work, GatewayTest.device(false), null, devicePort);
        Sipp.Result caller = Sipp.start(c.work, GatewayTest.answeredCaller(true), c.backend.address(), callerPort).await();
        try {
            alive.assertPassed(caller);
            alive.assertPassed(device.await());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ndispatcher log:\n" + PushgateProcess.tail(dispatcher.log()), e);
        }
    }

    /** REGISTER of a push device (of {@code instance}, with any further Contact parameters) through a node. */
    private static void registerDevice(PushgateProcess node, int contactPort, String instance) throws Exception {
        String contact = "<sip:dev@127.0.0.1:" + contactPort + APNS_PARAMS + ">;+sip.instance=" + instance;
        node.sipp(Sipp.send(register("dev", 1, contact, "")), Sipp.recv(401),
                Sipp.send(register("dev", 2, contact, Requests.auth("dev", "pw-dev"))), Sipp.recv(200));
    }
}
