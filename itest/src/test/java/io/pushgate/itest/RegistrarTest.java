package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.recvNot;
import static io.pushgate.itest.Sipp.scenario;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/** Registrar behaviour seen by a real UA (sipp), once on the embedded H2 store and once on a real PostgreSQL server. */
@RunWith(Parameterized.class)
public class RegistrarTest {
    private static final Map<String, PushgateProcess> servers = new HashMap<>();
    private static PostgresServer postgres;

    @Parameterized.Parameters(name = "{0}")
    public static Collection<Object[]> stores() {
        return Arrays.asList(new Object[][] {{"h2"}, {"postgresql"}});
    }

    private final String store;
    private PushgateProcess server;

    public RegistrarTest(String store) {
        this.store = store;
    }

    @Before
    public void server() throws Exception {
        server = servers.get(store);
        if (server != null) return;
        // both algorithms offered (RFC 8760); sipp answers the first, so MD5 leads
        String extra = "[auth]\nchallenge-algorithms = MD5 SHA-256\n";
        if (store.equals("postgresql")) {
            if (postgres == null) postgres = new PostgresServer();
            extra += "[database]\nurl = " + postgres.jdbcUrl() + "\nuser = pushgate\n";
        }
        server = new PushgateProcess(extra);
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
            PushgateProcess.CommandResult r = server.addSubscriber(user, "pw-" + user);
            assertTrue(r.output(), r.exit() == 0);
        }
        server.start();
        servers.put(store, server);
    }

    @AfterClass
    public static void stopAll() throws Exception {
        for (PushgateProcess p : servers.values()) p.close();
        servers.clear();
        if (postgres != null) postgres.close();
        postgres = null;
    }

    private Sipp.Result run(String... steps) throws Exception {
        return server.sipp(steps);
    }

    private static final String DEVICE = "<sip:%s@[local_ip]:[local_port];transport=udp;pn-provider=apns;pn-prid=abc123;pn-param=ABCD1234.org.example.app;x-custom=1>";

    @Test
    public void registerIsChallengedThenStoredWithEveryContactParameter() throws Exception {
        String contact = DEVICE.formatted("alice");
        run(send(register("alice", 1, contact, "3600", "")),
                // one challenge per offered algorithm (RFC 8760), in the configured order
                recv(401, "WWW-Authenticate: Digest realm=\"localhost\", *nonce=\"[^\"]+\", *qop=\"auth\", *algorithm=MD5[^W]*"
                        + "WWW-Authenticate: Digest realm=\"localhost\", *nonce=\"[^\"]+\", *qop=\"auth\", *algorithm=SHA-256"),
                send(register("alice", 2, contact, "3600", auth("alice", "pw-alice"))),
                recv(200, "Contact: <sip:alice@127\\.0\\.0\\.1:[0-9]+;transport=udp;pn-provider=apns;pn-prid=abc123;pn-param=ABCD1234\\.org\\.example\\.app;x-custom=1>;expires=(3600|3599)"));
        // A query (no Contact) lists the stored binding.
        run(send(register("alice", 1, null, null, "")), recv(401),
                send(register("alice", 2, null, null, auth("alice", "pw-alice"))),
                recv(200, "pn-prid=abc123;pn-param=ABCD1234\\.org\\.example\\.app;x-custom=1>;expires=[0-9]+"));
    }

    @Test
    public void refreshReplacesTheBindingAndRemoveDeletesIt() throws Exception {
        String contact = DEVICE.formatted("bob");
        run(send(register("bob", 1, contact, "3600", "")), recv(401),
                send(register("bob", 2, contact, "3600", auth("bob", "pw-bob"))), recv(200, "expires=(3600|3599)"),
                send(register("bob", 3, contact, "1800", "")), recv(401),
                send(register("bob", 4, contact, "1800", auth("bob", "pw-bob"))),
                recv(200, java.util.List.of("x-custom=1>;expires=(1800|1799)"), java.util.List.of("expires=(3600|3599)")),
                send(register("bob", 5, contact, "0", "")), recv(401),
                send(register("bob", 6, contact, "0", auth("bob", "pw-bob"))), recvNot(200, "Contact:"));
    }

    @Test
    public void tooBriefIntervalGets423WithMinExpires() throws Exception {
        String contact = DEVICE.formatted("carol");
        run(send(register("carol", 1, contact, "10", "")), recv(401),
                send(register("carol", 2, contact, "10", auth("carol", "pw-carol"))),
                recv(423, "Min-Expires: 60"));
    }

    @Test
    public void wrongPasswordIsChallengedAgainAndNothingIsStored() throws Exception {
        String contact = DEVICE.formatted("dave");
        run(send(register("dave", 1, contact, "3600", "")), recv(401),
                send(register("dave", 2, contact, "3600", auth("dave", "wrong"))), recv(401),
                send(register("dave", 3, null, null, auth("dave", "pw-dave"))), recvNot(200, "Contact:"));
    }

    @Test
    public void registeringSomeoneElsesAddressIs403() throws Exception {
        String msg = register("erin", 1, DEVICE.formatted("erin"), "3600", "")
                .replace("From: <sip:erin@", "From: <sip:frank@").replace("To: <sip:erin@", "To: <sip:frank@");
        String withAuth = register("erin", 2, DEVICE.formatted("erin"), "3600", auth("erin", "pw-erin"))
                .replace("From: <sip:erin@", "From: <sip:frank@").replace("To: <sip:erin@", "To: <sip:frank@");
        run(send(msg), recv(401), send(withAuth), recv(403, "To Does Not Match Credentials"));
    }
}
