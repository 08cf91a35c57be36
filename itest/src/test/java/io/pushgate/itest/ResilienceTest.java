package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.scenario;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/** What must survive: kill -9, SIGTERM, a database outage, and a password-guessing source. */
public class ResilienceTest {

    @Test
    public void bindingSurvivesKill9AndCallStillReachesTheDevice() throws Exception {
        try (PushgateProcess server = new PushgateProcess("")) {
            for (String u : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(u, "pw-" + u).exit());
            server.start();
            int devicePort = PushgateProcess.freePort();
            server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", devicePort);
            server.kill();
            server.start();
            ProxyTest.placeCallToRegistered(server, devicePort, "bob");
        }
    }

    @Test
    public void sigtermLetsACallInProgressEndAndClosesTheDatabase() throws Exception {
        try (PushgateProcess server = new PushgateProcess("[server]\nstop-grace = 30\n")) {
            for (String u : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(u, "pw-" + u).exit());
            server.start();
            int devicePort = PushgateProcess.freePort();
            server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", devicePort);
            Sipp.Running device = Sipp.start(server.dir, Calls.uas(), null, devicePort);
            Sipp.Running caller = Sipp.start(server.dir, Calls.authenticatedCaller("alice", "pw-alice", "bob", 5000),
                    server.uri(), PushgateProcess.freePort());
            Await.until("the device has the call's ACK", 20, () -> device.traced("ACK sip:"));
            Path lock = server.dir.resolve("db/pushgate.lock.db");
            assertTrue("H2 holds its lock file while open", Files.exists(lock));

            server.requestStop();
            // the caller hangs up seconds later: its BYE reaches the device and the 200 comes back
            server.assertPassed(caller.await());
            server.assertPassed(device.await());
            assertEquals("JVM ends as terminated by SIGTERM", 143, server.stop());
            // H2 deletes its lock file when the database is closed; a killed server leaves it
            assertFalse("the database was closed", Files.exists(lock));
        }
    }

    @Test
    public void repeatedFailuresLockTheSourceOut() throws Exception {
        try (PushgateProcess server = new PushgateProcess("[auth]\nmax-failures = 3\nlockout = 60\n")) {
            assertEquals(0, server.addSubscriber("alice", "pw-alice").exit());
            server.start();
            String c = "<sip:alice@[local_ip]:[local_port]>";
            server.sipp(
                    send(register("alice", 1, c, "600", "")), recv(401),
                    send(register("alice", 2, c, "600", auth("alice", "guess1"))), recv(401),
                    send(register("alice", 3, c, "600", auth("alice", "guess2"))), recv(401),
                    send(register("alice", 4, c, "600", auth("alice", "guess3"))), recv(401),
                    // locked out now: even the right password is refused without being checked
                    send(register("alice", 5, c, "600", auth("alice", "pw-alice"))),
                    recv(403, "Too Many Failed Authentications", "Retry-After: [0-9]+"));
        }
    }

    @Test
    public void databaseOutageGives503AndLosesNothing() throws Exception {
        try (PostgresServer pg = new PostgresServer();
             PushgateProcess server = new PushgateProcess("[database]\nurl = " + pg.jdbcUrl() + "\nuser = pushgate\nretry-after = 7\n")) {
            for (String u : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(u, "pw-" + u).exit());
            server.start();
            String alice = "<sip:alice@127.0.0.1:7001>";
            server.sipp(
                    send(register("alice", 1, alice, "600", "")), recv(401),
                    send(register("alice", 2, alice, "600", auth("alice", "pw-alice"))), recv(200));

            pg.stop();
            Thread.sleep(6000); // past the subscriber cache, so the outage is seen on every path
            server.sipp(
                    send(register("bob", 1, "<sip:bob@127.0.0.1:7002>", "600", "")), recv(401), // challenges need no database
                    send(register("bob", 2, "<sip:bob@127.0.0.1:7002>", "600", auth("bob", "pw-bob"))),
                    recv(503, "Retry-After: 7"));

            pg.start();
            long deadline = System.currentTimeMillis() + 30_000;
            Sipp.Result r;
            do {
                r = Sipp.run(server.dir, scenario(
                        send(register("bob", 1, "<sip:bob@127.0.0.1:7002>", "600", "")), recv(401),
                        send(register("bob", 2, "<sip:bob@127.0.0.1:7002>", "600", auth("bob", "pw-bob"))), recv(200)), server.uri());
            } while (!r.passed() && System.currentTimeMillis() < deadline);
            server.assertPassed(r);
            // alice's binding, accepted before the outage, is still there
            server.sipp(
                    send(register("alice", 1, null, null, "")), recv(401),
                    send(register("alice", 2, null, null, auth("alice", "pw-alice"))), recv(200, "<sip:alice@127\\.0\\.0\\.1:7001>"));
        }
    }
}
