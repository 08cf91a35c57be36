package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Properties;
import org.cafesip.sipunit.SipPhone;
import org.cafesip.sipunit.SipStack;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * The Pushgate archive deployed by Arquillian into the embedded MSS Tomcat 7 container (in this
 * JVM), driven by SipUnit: registrar and proxy decisions as the container delivers them.
 */
@RunWith(Arquillian.class)
public class InContainerRegistrarTest {
    private static final int CONTAINER_PORT = InContainer.PORT;

    static {
        InContainer.configure("", new String[] {"alice", "bob", "carol"}, java.util.Map.of());
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private SipStack stack;
    private SipPhone phone;

    @Before
    public void phone() throws Exception {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "it-phone-" + System.nanoTime());
        p.setProperty("javax.sip.IP_ADDRESS", "127.0.0.1");
        stack = new SipStack(SipStack.PROTOCOL_UDP, freePort(), p);
    }

    @After
    public void close() {
        if (phone != null) phone.dispose();
        stack.dispose();
    }

    private SipPhone as(String user) throws Exception {
        phone = stack.createSipPhone("127.0.0.1", SipStack.PROTOCOL_UDP, CONTAINER_PORT, "sip:" + user + "@127.0.0.1");
        return phone;
    }

    @Test
    public void registerWithTheRightPasswordIsAccepted() throws Exception {
        SipPhone p = as("alice");
        assertTrue(p.format(), p.register("alice", "pw-alice", null, 600, 5000));
    }

    @Test
    public void aRefreshKeepsTheBindingWithItsNewExpiryAndARemovalTakesIt() throws Exception {
        try (UdpSipPeer device = new UdpSipPeer("127.0.0.1", CONTAINER_PORT)) {
            String callId = "refresh-" + System.nanoTime();
            assertEquals(java.util.List.of("<" + device.contact("carol") + ">;expires=600"), registerAs(device, "carol", callId, 1, 600).headers("contact"));
            UdpSipPeer.Message refreshed = registerAs(device, "carol", callId, 3, 1200);
            assertEquals("one binding, with the new expiry", java.util.List.of("<" + device.contact("carol") + ">;expires=1200"),
                    refreshed.headers("contact"));
            assertTrue("removed: the 200 lists no binding", registerAs(device, "carol", callId, 5, 0).headers("contact").isEmpty());
        }
    }

    /** REGISTER, the 401, then REGISTER again with the digest answer; returns the final answer to that. */
    private static UdpSipPeer.Message registerAs(UdpSipPeer device, String user, String callId, int cseq, int expires) throws Exception {
        String uri = "sip:127.0.0.1:" + CONTAINER_PORT;
        String headers = "From: <sip:" + user + "@127.0.0.1>;tag=r\nTo: <sip:" + user + "@127.0.0.1>\nCall-ID: " + callId + "\n"
                + "Contact: <" + device.contact(user) + ">\nExpires: " + expires + "\n";
        device.request("REGISTER", uri, headers + "CSeq: " + cseq + " REGISTER\n", "", null);
        String challenge = device.finalResponse(5000).header("WWW-Authenticate");
        String nonce = challenge.replaceAll(".*nonce=\"([^\"]+)\".*", "$1");
        device.request("REGISTER", uri, headers + "CSeq: " + (cseq + 1) + " REGISTER\nAuthorization: "
                + InContainer.digest(user, "pw-" + user, "MD5", nonce, "REGISTER", uri) + "\n", "", null);
        UdpSipPeer.Message ok = device.finalResponse(5000);
        assertEquals(ok.startLine(), 200, ok.status());
        return ok;
    }

    @Test
    public void tooShortRegistrationGets423() throws Exception {
        SipPhone p = as("bob");
        assertFalse(p.register("bob", "pw-bob", null, 10, 5000));
        assertEquals(423, p.getReturnCode());
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
