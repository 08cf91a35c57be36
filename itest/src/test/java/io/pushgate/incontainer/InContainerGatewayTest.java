package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
 * The push gateway in the container, in front of a backend played by a bare UDP peer: contact
 * masquerading, the binding saved on the backend's 200 (register-on-response), a call from the
 * backend reaching the device, and fork-late: the call sent again to the device's new contact
 * when it re-registers.
 */
@RunWith(Arquillian.class)
public class InContainerGatewayTest {
    private static final int BACKEND_PORT = InContainer.freePort();

    static {
        InContainer.configure("""
                [server]
                role = gateway
                [gateway]
                backend = 127.0.0.1:%d
                [fork-late]
                push-delay = 200
                call-fork-timeout = 20
                """.formatted(BACKEND_PORT), new String[0], Map.of());
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private UdpSipPeer backend;
    private UdpSipPeer device;
    private final String regCallId = "gw-reg-" + System.nanoTime();
    private int regCseq;

    @Before
    public void peers() throws Exception {
        backend = new UdpSipPeer("127.0.0.1", BACKEND_PORT, InContainer.PORT);
        device = new UdpSipPeer("127.0.0.1", InContainer.PORT);
    }

    @After
    public void close() {
        backend.close();
        device.close();
    }

    /** The device registers through the gateway; the backend grants it. Returns the contact the backend saw. */
    private String registerThroughGateway(UdpSipPeer from, String user) throws Exception {
        from.request("REGISTER", "sip:example.com", "From: <sip:" + user + "@example.com>;tag=r\nTo: <sip:" + user + "@example.com>\n"
                + "Call-ID: " + regCallId + "\nCSeq: " + (++regCseq) + " REGISTER\n"
                + "Contact: <" + from.contact(user) + ";pn-provider=fcm;pn-prid=device-token;pn-param=proj>\nExpires: 600\n", "", null);
        UdpSipPeer.Message atBackend = backend.nextRequest("REGISTER", 5000);
        String masqueraded = atBackend.header("contact");
        backend.answer(atBackend, "200 OK", "backend", "Contact: " + masqueraded.replace(";expires=600", "") + ";expires=300\n");
        UdpSipPeer.Message ok = from.finalResponse(5000);
        assertEquals(200, ok.status());
        assertEquals("<" + from.contact(user) + ";pn-provider=fcm;pn-prid=device-token;pn-param=proj>;expires=300", ok.header("contact"));
        assertEquals("*;+sip.pns=\"fcm\"", ok.header("feature-caps"));
        return masqueraded.substring(masqueraded.indexOf('<') + 1, masqueraded.indexOf('>'));
    }

    private void callFromBackend(String requestUri, String callId) throws Exception {
        backend.request("INVITE", requestUri, "From: <sip:caller@example.com>;tag=b\nTo: <sip:dev@example.com>\nCall-ID: " + callId
                + "\nCSeq: 1 INVITE\nContact: <" + backend.contact("caller") + ">\n", "", null);
    }

    @Test
    public void theContactIsMasqueradedAndSavedOnlyOnTheBackends200() throws Exception {
        String masqueraded = registerThroughGateway(device, "dev");
        assertTrue(masqueraded, masqueraded.startsWith("sip:dev@127.0.0.1:" + InContainer.PORT + ";CtRt"));
        assertTrue(masqueraded, masqueraded.endsWith(";doroute"));
        assertFalse("the device's address is not the backend's to see raw", masqueraded.contains("device-token"));
    }

    @Test
    public void aCallFromTheBackendReachesTheDeviceAndFollowsItWhenItRegistersAgain() throws Exception {
        String masqueraded = registerThroughGateway(device, "dev");
        String callId = "gw-call-" + System.nanoTime();
        callFromBackend(masqueraded, callId);
        UdpSipPeer.Message first = device.nextRequest("INVITE", 5000);
        assertEquals("the device gets its own contact back", device.contact("dev") + ";pn-provider=fcm;pn-prid=device-token;pn-param=proj",
                first.requestUri().replace(";transport=udp", ""));

        // The phone was asleep; woken, it registers from a new address, and the call follows it there.
        try (UdpSipPeer woken = new UdpSipPeer("127.0.0.1", InContainer.PORT)) {
            registerThroughGateway(woken, "dev");
            UdpSipPeer.Message again = woken.nextRequest("INVITE", 5000);
            assertEquals(callId, again.header("call-id"));
            woken.answer(again, "200 OK", "woken", "Contact: <" + woken.contact("dev") + ">\n",
                    "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n", "application/sdp");
            UdpSipPeer.Message answered = backend.finalResponse(5000);
            assertEquals(200, answered.status());
            assertEquals(callId, answered.header("call-id"));
        }
    }
}
