package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * The proxy in the container: the relay guard, location routing to every binding, aliases, 404
 * and 480. Digest authentication is off here (its own test has it), so outsiders are plain ones.
 */
@RunWith(Arquillian.class)
public class InContainerRoutingTest {
    static {
        InContainer.configure("""
                [auth]
                enabled = false
                """, new String[] {"alice", "bob", "carol"}, Map.of("5551234", "carol"));
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private UdpSipPeer caller;
    private UdpSipPeer deviceA;
    private UdpSipPeer deviceB;

    @Before
    public void peers() throws Exception {
        caller = new UdpSipPeer("127.0.0.1", InContainer.PORT);
        deviceA = new UdpSipPeer("127.0.0.1", InContainer.PORT);
        deviceB = new UdpSipPeer("127.0.0.1", InContainer.PORT);
    }

    @After
    public void close() {
        caller.close();
        deviceA.close();
        deviceB.close();
    }

    private void register(UdpSipPeer device, String user, String q) throws Exception {
        device.request("REGISTER", "sip:127.0.0.1:" + InContainer.PORT, "From: <sip:" + user + "@127.0.0.1>;tag=r\n"
                + "To: <sip:" + user + "@127.0.0.1>\nCall-ID: reg-" + System.nanoTime() + "\nCSeq: 1 REGISTER\n"
                + "Contact: <" + device.contact(user) + ">;q=" + q + "\nExpires: 600\n", "", null);
        assertEquals(200, device.finalResponse(5000).status());
    }

    private void invite(String from, String to, String extra) throws Exception {
        caller.request("INVITE", to, "From: <" + from + ">;tag=c\nTo: <" + to + ">\nCall-ID: call-" + System.nanoTime()
                + "\nCSeq: 1 INVITE\nContact: <" + caller.contact("caller") + ">\n" + extra, "", null);
    }

    @Test
    public void aCallIsForkedToEveryBindingOfTheUser() throws Exception {
        register(deviceA, "alice", "0.5");
        register(deviceB, "alice", "1.0");
        invite("sip:someone@example.org", "sip:alice@127.0.0.1:" + InContainer.PORT, "");
        UdpSipPeer.Message atA = deviceA.nextRequest("INVITE", 5000);
        UdpSipPeer.Message atB = deviceB.nextRequest("INVITE", 5000);
        assertEquals(deviceA.contact("alice"), atA.requestUri().replace(";transport=udp", ""));
        assertEquals(deviceB.contact("alice"), atB.requestUri().replace(";transport=udp", ""));
        assertTrue("the proxy stays in the dialog", atA.header("Record-Route") != null);
        deviceA.answer(atA, "486 Busy Here", "a", "");
        deviceB.answer(atB, "486 Busy Here", "b", "");
        assertEquals(486, caller.finalResponse(5000).status());
    }

    @Test
    public void anAliasReachesItsTargetsBindings() throws Exception {
        register(deviceA, "carol", "1.0");
        invite("sip:someone@example.org", "sip:5551234@127.0.0.1:" + InContainer.PORT, "");
        UdpSipPeer.Message at = deviceA.nextRequest("INVITE", 5000);
        assertEquals(deviceA.contact("carol"), at.requestUri().replace(";transport=udp", ""));
        deviceA.answer(at, "603 Decline", "d", "");
        assertEquals(603, caller.finalResponse(5000).status());
    }

    @Test
    public void anUnknownUserIs404AndAnUnregisteredOne480() throws Exception {
        invite("sip:someone@example.org", "sip:nobody@127.0.0.1:" + InContainer.PORT, "");
        assertEquals(404, caller.finalResponse(5000).status());
        invite("sip:someone@example.org", "sip:bob@127.0.0.1:" + InContainer.PORT, "");
        assertEquals(480, caller.finalResponse(5000).status());
    }

    @Test
    public void anOutsiderMayNeitherRelayNorSteer() throws Exception {
        invite("sip:someone@example.org", "sip:x@192.0.2.99", "");
        assertEquals("SIP/2.0 403 Relaying Denied", caller.finalResponse(5000).startLine());
        invite("sip:someone@example.org", "sip:alice@127.0.0.1:" + InContainer.PORT, "Route: <sip:192.0.2.99;lr>\n");
        assertEquals("SIP/2.0 403 Preloaded Route Denied", caller.finalResponse(5000).startLine());
    }
}
