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
 * The push application server in the container, with its registrar/proxy played by a bare UDP
 * peer: a call for a sleeping user gets 183 with early media, the server watches the user's
 * registration, and hands the call back through the proxy once a NOTIFY shows a contact.
 */
@RunWith(Arquillian.class)
public class InContainerPushServerTest {
    private static final int PROXY_PORT = InContainer.freePort();

    static {
        InContainer.configure("""
                [server]
                role = push-server
                [push-server]
                proxy = 127.0.0.1:%d
                accept-from = 127.0.0.1
                wait-timeout = 20
                rtp-ports = 44000-44019
                """.formatted(PROXY_PORT), new String[0], Map.of());
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private static final String OFFER = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 45000 RTP/AVP 0 8\n"
            + "a=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n";

    private UdpSipPeer proxy;

    @Before
    public void proxy() throws Exception {
        proxy = new UdpSipPeer("127.0.0.1", PROXY_PORT, InContainer.PORT);
    }

    @After
    public void close() {
        proxy.close();
    }

    private static String reginfo(String aor, int version, String contacts) {
        return "<?xml version=\"1.0\"?>\n<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"" + version + "\" state=\"full\">\n"
                + "<registration aor=\"" + aor + "\" id=\"r1\" state=\"" + (contacts.isEmpty() ? "init" : "active") + "\">" + contacts
                + "</registration>\n</reginfo>\n";
    }

    @Test
    public void aWaitingCallIsHandedBackThroughTheProxyWhenTheCalleeRegisters() throws Exception {
        String callee = "sip:sleeper@127.0.0.1:" + PROXY_PORT;
        String callId = "ps-" + System.nanoTime();
        proxy.request("INVITE", callee, "From: <sip:caller@127.0.0.1>;tag=c\nTo: <" + callee + ">\nCall-ID: " + callId
                + "\nCSeq: 1 INVITE\nContact: <" + proxy.contact("caller") + ">\n"
                + "Push-Device: <sip:sleeper@192.0.2.5;pn-provider=fcm;pn-prid=tok;pn-param=proj>\n", OFFER, "application/sdp");

        UdpSipPeer.Message subscribe = null;
        UdpSipPeer.Message early = null;
        long end = System.currentTimeMillis() + 8000;
        while ((subscribe == null || early == null) && System.currentTimeMillis() < end) {
            UdpSipPeer.Message m = proxy.receive(500);
            if (m == null) continue;
            if (m.isRequest() && m.method().equals("SUBSCRIBE")) subscribe = m;
            else if (!m.isRequest() && m.status() == 183) early = m;
        }
        assertTrue("183 with early media", early != null && early.body().contains("m=audio"));
        assertTrue("a SUBSCRIBE for the callee's registration", subscribe != null);
        assertEquals("reg", subscribe.header("event"));
        proxy.answer(subscribe, "200 OK", "reg1", "Contact: <" + proxy.contact("registrar") + ">\nExpires: 300\n");

        String watcherContact = subscribe.header("contact");
        String target = watcherContact.substring(watcherContact.indexOf('<') + 1, watcherContact.indexOf('>'));
        String dialog = "From: <sip:sleeper@127.0.0.1>;tag=reg1\nTo: " + subscribe.header("from") + "\nCall-ID: " + subscribe.header("call-id")
                + "\nContact: <" + proxy.contact("registrar") + ">\nEvent: reg\nSubscription-State: active;expires=300\n";
        proxy.request("NOTIFY", target, dialog + "CSeq: 1 NOTIFY\n", reginfo(subscribe.requestUri(), 0, ""), "application/reginfo+xml");
        assertEquals(200, proxy.finalResponse(5000).status());

        proxy.request("NOTIFY", target, dialog + "CSeq: 2 NOTIFY\n", reginfo(subscribe.requestUri(), 1,
                "<contact id=\"c1\" state=\"active\" event=\"registered\"><uri>sip:sleeper@192.0.2.5:5060</uri></contact>"),
                "application/reginfo+xml");
        UdpSipPeer.Message handBack = proxy.nextRequest("INVITE", 5000);
        assertEquals("the hand-back goes to the callee, through the proxy", callee, handBack.requestUri());
        assertTrue(handBack.header("from"), handBack.header("from").contains("sip:caller@127.0.0.1"));
    }
}
