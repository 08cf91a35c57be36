package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.scenario;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Two registrar nodes on one PostgreSQL behind Kamailio's dispatcher with the configuration the
 * repository ships (deploy/kamailio-dispatcher.cfg): users spread over the nodes and every node
 * knows every binding; a password changed on one node holds on the other; a node killed under
 * load loses no binding and its users go on through the other; a remote registration runs on one
 * node only, and on the other once that one dies. In order: the third kills a node, the fourth
 * starts it again.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterTest {
    private static final int USERS = 20;
    private static PostgresServer pg;
    private static PushgateProcess a;
    private static PushgateProcess b;
    private static Kamailio dispatcher;
    private static Path usersCsv;

    @BeforeClass
    public static void startCluster() throws Exception {
        pg = new PostgresServer();
        String node = "[database]\nurl = " + pg.jdbcUrl() + "\nuser = pushgate\n"
                + "[uac]\nstartup-spread = 0\npoll-interval = 1\nretry-min = 1\nretry-max = 3\n";
        a = new PushgateProcess(node);
        b = new PushgateProcess(node);
        StringBuilder csv = new StringBuilder("SEQUENTIAL\n");
        StringBuilder accounts = new StringBuilder();
        for (int i = 0; i < USERS; i++) {
            csv.append("u").append(i).append(";[authentication username=u").append(i).append(" password=pw-u").append(i).append("]\n");
            accounts.append("u").append(i).append(";pw-u").append(i).append('\n');
        }
        for (String u : new String[] {"alice", "bob", "carol"}) accounts.append(u).append(";pw-").append(u).append('\n');
        Path accountFile = a.dir.resolve("accounts.csv");
        Files.writeString(accountFile, accounts.toString(), StandardCharsets.UTF_8);
        assertEquals(0, a.command("subscriber", "import", accountFile.toString()).exit()); // one database: once for both
        usersCsv = a.dir.resolve("users_auth.csv");
        Files.writeString(usersCsv, csv.toString(), StandardCharsets.UTF_8);
        a.launch();
        b.start();
        a.awaitReady();

        Path list = a.dir.resolve("nodes.list");
        Files.writeString(list, "1 sip:" + a.uri() + "\n1 sip:" + b.uri() + "\n", StandardCharsets.UTF_8);
        dispatcher = Kamailio.startFile(a.dir, PushgateProcess.ROOT.resolve("deploy/kamailio-dispatcher.cfg"), PushgateProcess.freePort(),
                "DISPATCHER_LIST=\"" + list + "\"", "PROBE_INTERVAL=1");
    }

    @AfterClass
    public static void stopCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {dispatcher, a, b, pg}) if (c != null) c.close();
    }

    private static String viaDispatcher() {
        return dispatcher.address();
    }

    /** REGISTER, 401, REGISTER with the credentials of the CSV's user, 200: one call per user. */
    private static String registerFromCsv(String expires) {
        String contact = "<sip:[field0]@[local_ip]:[local_port]>";
        return scenario(send(register("[field0]", 1, contact, expires, "")), recv(401),
                send(register("[field0]", 2, contact, expires, "[field1]")), recv(200));
    }

    @Test
    public void a_registrationsSpreadOverTheNodesAndEveryNodeHoldsThemAll() throws Exception {
        Sipp.Result r = Sipp.run(a.dir, registerFromCsv("600"), viaDispatcher(), "-inf", usersCsv.toString(), "-m", Integer.toString(USERS));
        a.assertPassed(r);
        assertEquals(USERS, storedAors().size());
        double byA = a.metric("pushgate_registers_total\\{outcome=\"accepted\"\\}");
        double byB = b.metric("pushgate_registers_total\\{outcome=\"accepted\"\\}");
        assertTrue("both nodes took REGISTERs: " + byA + " and " + byB, byA > 0 && byB > 0);
        assertEquals(USERS, byA + byB, 0);
        // each node holds in memory what the other registered too, told through PostgreSQL
        for (PushgateProcess node : List.of(a, b)) {
            Await.until("node " + node.uri() + " holds every binding", 10, () -> node.metric("pushgate_bindings") == USERS);
        }

        int devicePort = PushgateProcess.freePort();
        a.assertPassed(Sipp.start(a.dir, Sipp.scenario(
                send(register("bob", 1, "<sip:bob@[local_ip]:[local_port]>", "600", "")), recv(401),
                send(register("bob", 2, "<sip:bob@[local_ip]:[local_port]>", "600", auth("bob", "pw-bob"))), recv(200)),
                viaDispatcher(), devicePort).await());
        // whichever node took bob's REGISTER, a call through either node rings his device
        for (PushgateProcess node : List.of(a, b)) {
            Await.until("node " + node.uri() + " knows bob's device", 10, () -> node.metric("pushgate_bindings") == USERS + 1);
            try {
                ProxyTest.placeCallToRegistered(node, devicePort, "bob");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\ndispatcher log:\n" + dispatcher.log(), e);
            }
        }
    }

    @Test
    public void b_aPasswordChangedOnOneNodeIsEnforcedOnTheOther() throws Exception {
        String c = "<sip:carol@[local_ip]:[local_port]>";
        b.sipp(send(register("carol", 1, c, "600", "")), recv(401), send(register("carol", 2, c, "600", auth("carol", "pw-carol"))), recv(200));
        assertEquals(0, a.commandWithInput("new-pw-carol\n", "subscriber", "passwd", "carol").exit());
        long changed = System.currentTimeMillis();
        Await.until("node b takes carol's new password", 15, () -> registers(b, "carol", "new-pw-carol"));
        long seen = System.currentTimeMillis() - changed;
        assertTrue("the old password is refused by node b", !registers(b, "carol", "pw-carol"));
        // the stamp is read every 5 s (TableCache.CHECK_MS); a sipp run adds up to a second
        assertTrue("seen within the bound: " + seen + " ms", seen <= 7000);
    }

    private static boolean registers(PushgateProcess node, String user, String password) {
        try {
            String c = "<sip:" + user + "@[local_ip]:[local_port]>";
            return Sipp.run(node.dir, scenario(send(register(user, 1, c, "600", "")), recv(401),
                    send(register(user, 2, c, "600", auth(user, password))), recv(200)), node.uri(), "-timeout", "5s").passed();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void c_aNodeKilledUnderLoadLosesNoBindingAndItsUsersGoOnThroughTheOther() throws Exception {
        Set<String> before = storedAors();
        assertTrue(before.size() >= USERS + 1);
        // every user refreshes 10 times at 20 REGISTERs a second; a node dies a few seconds in
        Sipp.Running load = Sipp.start(a.dir, registerFromCsv("600"), viaDispatcher(), PushgateProcess.freePort(),
                "-inf", usersCsv.toString(), "-m", Integer.toString(10 * USERS), "-r", "20", "-timeout", "60s",
                "-trace_stat", "-stf", a.dir.resolve("load-stat.csv").toString());
        Thread.sleep(3000); // the load is under way: this is when the node dies, not a wait for a condition
        a.kill();
        Sipp.Result loaded = load.await();

        Set<String> after = storedAors();
        assertTrue("no binding lost: before " + before + ", after " + after, after.containsAll(before));
        long[] okFailed = okAndFailed(a.dir.resolve("load-stat.csv"));
        assertEquals(loaded.messages(), 10 * USERS, okFailed[0] + okFailed[1]);
        // the REGISTERs in flight at the node when it died may fail; everything after goes to the other
        assertTrue("registrations went on: " + okFailed[0] + " ok, " + okFailed[1] + " failed", okFailed[1] <= USERS && okFailed[0] >= 8 * USERS);

        // calls to a device keep connecting through the dispatcher
        int devicePort = PushgateProcess.freePort();
        b.assertPassed(Sipp.start(b.dir, Sipp.scenario(
                send(register("bob", 1, "<sip:bob@[local_ip]:[local_port]>", "600", "")), recv(401),
                send(register("bob", 2, "<sip:bob@[local_ip]:[local_port]>", "600", auth("bob", "pw-bob"))), recv(200)),
                viaDispatcher(), devicePort).await());
        Sipp.Running device = Sipp.start(b.dir, Calls.uas(), null, devicePort);
        Sipp.Result caller = Sipp.run(b.dir, Calls.authenticatedCaller("alice", "pw-alice", "bob"), viaDispatcher());
        b.assertPassed(caller);
        b.assertPassed(device.await());
    }

    @Test
    public void d_oneNodeRunsARemoteRegistrationAndTheOtherTakesItOverWhenItDies() throws Exception {
        a.start(); // killed by the test before
        try (Kamailio provider = Kamailio.start(a.dir, "provider.cfg", "127.0.0.2", PushgateProcess.freePort())) {
            PushgateProcess.CommandResult added = b.commandWithInput("pw-acme\n", "uac", "add", "--l-uuid", "trunk1", "--l-username", "alice",
                    "--l-domain", "localhost", "--r-username", "acme", "--r-domain", provider.address(), "--expires", "10");
            assertEquals(added.output(), 0, added.exit());
            Await.until("registered at the provider three times", 40, () -> authenticated(provider).size() >= 3);
            List<String[]> first = authenticated(provider);
            String ownerPort = first.get(0)[1];
            for (String[] r : first) {
                assertEquals("one flow: one Call-ID " + first, first.get(0)[0], r[0]);
                assertEquals("from one node " + first, ownerPort, r[1]);
            }
            PushgateProcess holder = ownerPort.equals(Integer.toString(a.sipPort)) ? a : b;
            PushgateProcess other = holder == a ? b : a;
            holder.kill();
            int before = authenticated(provider).size();
            Await.until("the other node registers", 30, () -> authenticated(provider).stream()
                    .anyMatch(r -> r[1].equals(Integer.toString(other.sipPort))));
            List<String[]> all = authenticated(provider);
            List<String[]> after = all.subList(before, all.size());
            String takenOver = after.stream().filter(r -> r[1].equals(Integer.toString(other.sipPort))).findFirst().orElseThrow()[0];
            assertTrue("afresh, with a Call-ID of its own", !takenOver.equals(first.get(0)[0]));
            for (String[] r : after) assertEquals("no REGISTER from the dead node after its death", Integer.toString(other.sipPort), r[1]);
        }
    }

    /** The authenticated REGISTERs the provider logged, in order: {Call-ID, port of the contact}. */
    private static List<String[]> authenticated(Kamailio provider) {
        try {
            List<String[]> out = new ArrayList<>();
            Matcher m = Pattern.compile("REGISTER from=sip:acme@\\S+ ci=(\\S+) cs=\\d+ expires=\\S+ contact=<?sip:trunk1@127\\.0\\.0\\.1:(\\d+)\\S* auth=acme")
                    .matcher(provider.log());
            while (m.find()) out.add(new String[] {m.group(1), m.group(2)});
            return out;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The AORs with a binding in PostgreSQL. */
    private static Set<String> storedAors() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "pushgate", "");
             ResultSet r = c.createStatement().executeQuery("select distinct aor from binding")) {
            Set<String> aors = new TreeSet<>();
            while (r.next()) aors.add(r.getString(1));
            return aors;
        }
    }

    /** Successful and failed calls from the last line of a sipp statistics file. */
    private static long[] okAndFailed(Path statCsv) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(statCsv, StandardCharsets.ISO_8859_1));
        List<String> header = List.of(lines.get(0).split(";"));
        String[] last = lines.get(lines.size() - 1).split(";");
        return new long[] {Long.parseLong(last[header.indexOf("SuccessfulCall(C)")]), Long.parseLong(last[header.indexOf("FailedCall(C)")])};
    }
}
