package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;
import static io.pushgate.itest.Requests.register;
import static io.pushgate.itest.Sipp.recv;
import static io.pushgate.itest.Sipp.recvNot;
import static io.pushgate.itest.Sipp.scenario;
import static io.pushgate.itest.Sipp.send;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Binding rules: instance replacement, contact limit, wildcard removal, q-values, Path as route set. */
public class BindingRulesTest {
    private static PushgateProcess server;

    @BeforeClass
    public static void start() throws Exception {
        server = new PushgateProcess("[registrar]\nmax-contacts = 2\n");
        for (String u : new String[] {"alice", "gina", "hank", "ivan", "judy"}) {
            assertEquals(0, server.addSubscriber(u, "pw-" + u).exit());
        }
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** REGISTER → 401 → REGISTER with credentials, for each contact in turn, in one sipp call; the last 200 is checked. */
    private static void registerAll(String user, List<String> contacts, String expires, String... last200Checks) throws Exception {
        List<String> steps = new ArrayList<>();
        int cseq = 1;
        for (int i = 0; i < contacts.size(); i++) {
            steps.add(send(register(user, cseq++, contacts.get(i), expires, "")));
            steps.add(recv(401));
            steps.add(send(register(user, cseq++, contacts.get(i), expires, auth(user, "pw-" + user))));
            steps.add(i == contacts.size() - 1 ? recv(200, last200Checks) : recv(200));
        }
        server.sipp(steps.toArray(new String[0]));
    }

    @Test
    public void sameInstanceReplacesItsBinding() throws Exception {
        String instance = ";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-000000000001>\";reg-id=1";
        registerAll("gina", List.of("<sip:gina@127.0.0.1:7001>" + instance, "<sip:gina@127.0.0.1:7002>" + instance), "600",
                "<sip:gina@127\\.0\\.0\\.1:7002>;[^\\n]*\\+sip\\.instance=");
        server.sipp(
                send(register("gina", 1, null, null, "")), recv(401),
                send(register("gina", 2, null, null, auth("gina", "pw-gina"))), recvNot(200, "7001"));
    }

    @Test
    public void contactLimitDropsTheLeastRecentlyRefreshed() throws Exception {
        registerAll("hank", List.of("<sip:hank@127.0.0.1:7101>", "<sip:hank@127.0.0.1:7102>", "<sip:hank@127.0.0.1:7103>"), "600",
                "7102", "7103");
        server.sipp(
                send(register("hank", 1, null, null, "")), recv(401),
                send(register("hank", 2, null, null, auth("hank", "pw-hank"))), recvNot(200, "7101"));
    }

    @Test
    public void wildcardRemovesEveryBindingAndQIsKept() throws Exception {
        registerAll("ivan", List.of("<sip:ivan@127.0.0.1:7201>;q=0.5", "<sip:ivan@127.0.0.1:7202>;q=1.0"), "600",
                "<sip:ivan@127\\.0\\.0\\.1:7202>;expires=[0-9]+", "<sip:ivan@127\\.0\\.0\\.1:7201>;q=0\\.500;expires=[0-9]+");
        server.sipp(
                send(register("ivan", 1, "*", "0", "")), recv(401),
                send(register("ivan", 2, "*", "0", auth("ivan", "pw-ivan"))), recvNot(200, "Contact:"));
    }

    @Test
    public void pathIsEchoedAndIsTheRouteSetTowardTheBinding() throws Exception {
        int edgePort = PushgateProcess.freePort();
        // the contact itself is unreachable (port 9): the call only arrives if the Path is followed
        registerAll("judy", List.of("<sip:judy@127.0.0.1:9>\nPath: <sip:127.0.0.1:" + edgePort + ";lr>"), "600",
                "<sip:judy@127\\.0\\.0\\.1:9>;expires=", "Path: <sip:127\\.0\\.0\\.1:" + edgePort + ";lr>");
        ProxyTest.placeCallToRegistered(server, edgePort, "judy");
    }
}
