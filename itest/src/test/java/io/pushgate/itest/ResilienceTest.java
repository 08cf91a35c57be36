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

    /**
     * A 200 to a REGISTER means its binding is in the database: under a REGISTER load (one
     * REGISTER per user), every user whose 200 reached sipp before a kill -9 has a binding after
     * the restart.
     */
    @Test
    public void everyRegistrationAnswered200BeforeAKill9IsStoredAfterTheRestart() throws Exception {
        int users = 1000;
        try (PushgateProcess server = new PushgateProcess("")) {
            StringBuilder accounts = new StringBuilder(), csv = new StringBuilder("SEQUENTIAL\n");
            for (int i = 0; i < users; i++) {
                accounts.append("k").append(i).append(";pw-k").append(i).append('\n');
                csv.append("k").append(i).append(";[authentication username=k").append(i).append(" password=pw-k").append(i).append("]\n");
            }
            Path accountFile = server.dir.resolve("accounts.csv"), usersCsv = server.dir.resolve("users_auth.csv");
            Files.writeString(accountFile, accounts);
            Files.writeString(usersCsv, csv);
            assertEquals(0, server.command("subscriber", "import", accountFile.toString()).exit());
            server.start();

            String contact = "<sip:[field0]@[local_ip]:[local_port]>";
            Sipp.Running load = Sipp.start(server.dir, scenario(send(register("[field0]", 1, contact, "600", "")), recv(401),
                            send(register("[field0]", 2, contact, "600", "[field1]")), recv(200)), server.uri(), PushgateProcess.freePort(),
                    "-inf", usersCsv.toString(), "-m", Integer.toString(users), "-r", "100", "-recv_timeout", "3000");
            Await.until("a hundred registrations answered", 20, () -> acknowledgedUsers(load.tracedSoFar()).size() >= 100);
            server.kill();
            java.util.Set<String> acknowledged = acknowledgedUsers(load.await().messages());
            assertTrue("the kill came in the middle of the load: " + acknowledged.size() + " of " + users + " answered",
                    acknowledged.size() < users);

            server.start();
            java.util.Set<String> stored = new java.util.HashSet<>();
            for (String uri : server.storedContacts(null)) stored.add(uri.replaceAll("^sip:([^@]+)@.*", "$1"));
            java.util.Set<String> lost = new java.util.TreeSet<>(acknowledged);
            lost.removeAll(stored);
            assertTrue(lost.size() + " of " + acknowledged.size() + " registrations answered 200 are not stored: " + lost, lost.isEmpty());
        }
    }

    /** The users of every 200 to an authenticated REGISTER in a sipp trace (one block per message). */
    private static java.util.Set<String> acknowledgedUsers(String trace) {
        java.util.Set<String> users = new java.util.HashSet<>();
        java.util.regex.Pattern to = java.util.regex.Pattern.compile("\\nTo: *<sip:([^@>]+)@");
        for (String block : trace.split("\n-{20,}")) {
            if (!block.contains("message received") || !block.contains("\nSIP/2.0 200 ") || !block.contains("\nCSeq: 2 REGISTER")) continue;
            java.util.regex.Matcher m = to.matcher(block);
            if (m.find()) users.add(m.group(1));
        }
        return users;
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
