package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The registration event package (RFC 3680) in the container: a bare UDP peer plays a trusted
 * application server (its address is a trusted peer, so its subscriptions are not challenged)
 * watching users' registrations, and every NOTIFY body is checked against the reginfo schema.
 */
@RunWith(Arquillian.class)
public class InContainerRegEventTest {
    private static final int CONTAINER_PORT = InContainer.PORT;
    private static final String NS = "urn:ietf:params:xml:ns:reginfo";

    static {
        InContainer.configure("""
                [auth]
                trusted-peers = 127.0.0.1

                [registrar]
                min-expires = 1
                purge-interval = 1

                [reg-event]
                min-expires = 1
                """, new String[] {"alice", "bob", "carol", "dave"}, java.util.Map.of());
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private UdpSipPeer watcher;
    private int cseq;
    private String callId;
    private String toTag;
    private String remoteTarget;

    @Before
    public void watcher() throws Exception {
        watcher = new UdpSipPeer("127.0.0.1", CONTAINER_PORT);
        callId = "reg-" + System.nanoTime() + "@127.0.0.1";
    }

    @After
    public void close() {
        watcher.close();
    }

    /** Sends a SUBSCRIBE (in the dialog once there is one) and returns the final response. */
    private UdpSipPeer.Message subscribe(String user, String event, int expires) throws Exception {
        String ruri = remoteTarget != null ? remoteTarget : "sip:" + user + "@127.0.0.1:" + CONTAINER_PORT;
        watcher.send("SUBSCRIBE " + ruri + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + watcher.port() + ";branch=z9hG4bK" + Long.toHexString(System.nanoTime()) + "\n"
                + "Max-Forwards: 70\n"
                + "From: <sip:as@127.0.0.1>;tag=watcher1\n"
                + "To: <sip:" + user + "@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\n"
                + "Call-ID: " + callId + "\n"
                + "CSeq: " + (++cseq) + " SUBSCRIBE\n"
                + "Contact: <sip:as@127.0.0.1:" + watcher.port() + ">\n"
                + "Event: " + event + "\n"
                + "Accept: application/reginfo+xml\n"
                + "Expires: " + expires + "\n"
                + "Content-Length: 0\n\n");
        UdpSipPeer.Message r = watcher.finalResponse(5000);
        if (r.status() < 300 && toTag == null) {
            String to = r.header("to");
            toTag = to.substring(to.indexOf(";tag=") + 5).split(";")[0];
            String contact = r.header("contact");
            remoteTarget = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        }
        return r;
    }

    /** NOTIFYs that arrived while a REGISTER waited for its challenge, answered already, for nextNotify. */
    private final java.util.ArrayDeque<UdpSipPeer.Message> early = new java.util.ArrayDeque<>();

    /**
     * A REGISTER for a contact at the watcher's socket, answering its challenge: a trusted peer
     * is trusted for its subscriptions, never to register a user.
     */
    private void register(String user, int expires, int seq) throws Exception {
        watcher.send(registerText(user, expires, 2 * seq - 1, ""));
        UdpSipPeer.Message challenge = registerAnswer(2 * seq - 1);
        assertEquals(challenge.startLine(), 401, challenge.status());
        String header = challenge.header("www-authenticate");
        String nonce = header.substring(header.indexOf("nonce=\"") + 7, header.indexOf('"', header.indexOf("nonce=\"") + 7));
        watcher.send(registerText(user, expires, 2 * seq, "Authorization: "
                + InContainer.digest(user, "pw-" + user, "MD5", nonce, "REGISTER", "sip:127.0.0.1:" + CONTAINER_PORT) + "\n"));
    }

    private String registerText(String user, int expires, int seq, String authorization) {
        return "REGISTER sip:127.0.0.1:" + CONTAINER_PORT + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + watcher.port() + ";branch=z9hG4bK" + Long.toHexString(System.nanoTime()) + "\n"
                + "Max-Forwards: 70\n"
                + "From: <sip:" + user + "@127.0.0.1>;tag=dev\n"
                + "To: <sip:" + user + "@127.0.0.1>\n"
                + "Call-ID: dev-" + user + "-" + callId + "\n"
                + "CSeq: " + seq + " REGISTER\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + watcher.port() + ";pn-provider=fcm;pn-prid=tok;pn-param=proj>\n"
                + "Expires: " + expires + "\n"
                + authorization
                + "Content-Length: 0\n\n";
    }

    /** The final answer to the REGISTER with this CSeq; NOTIFYs on the way are answered and kept for nextNotify. */
    private UdpSipPeer.Message registerAnswer(int cseq) throws Exception {
        long end = System.currentTimeMillis() + 6000;
        while (System.currentTimeMillis() < end) {
            UdpSipPeer.Message m = watcher.receive(Math.max(1, end - System.currentTimeMillis()));
            if (m == null) continue;
            if (m.isRequest()) {
                watcher.ok(m);
                early.add(m);
            } else if (m.header("cseq").equals(cseq + " REGISTER") && m.status() >= 200) {
                return m;
            }
        }
        throw new AssertionError("no answer to the REGISTER");
    }

    /** The next NOTIFY, answered 200, with its body validated against the RFC 3680 schema; a REGISTER's 200 on the way is skipped. */
    private Notify nextNotify() throws Exception {
        long end = System.currentTimeMillis() + 6000;
        UdpSipPeer.Message m = early.poll();
        while (m == null && System.currentTimeMillis() < end) {
            m = watcher.receive(Math.max(1, end - System.currentTimeMillis()));
            if (m != null && m.isRequest()) break;
            if (m != null && m.status() >= 300) throw new AssertionError("unexpected " + m.startLine() + " to " + m.method());
            m = null;
        }
        assertNotNull("no NOTIFY arrived", m);
        assertEquals(m.startLine(), "NOTIFY", m.method());
        watcher.ok(m);
        assertEquals("reg", m.header("Event"));
        assertEquals("application/reginfo+xml", m.header("Content-Type"));
        byte[] body = m.body().getBytes(StandardCharsets.UTF_8);
        Validator v = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getResource("/schema/reginfo.xsd")).newValidator();
        v.validate(new StreamSource(new ByteArrayInputStream(body)));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        return new Notify(m.header("Subscription-State"), doc.getDocumentElement(), m.body());
    }

    private record Notify(String subscriptionState, Element reginfo, String text) {
        String attr(String name) { return reginfo.getAttribute(name); }
        Element registration() { return (Element) reginfo.getElementsByTagNameNS(NS, "registration").item(0); }
        int contacts() { return reginfo.getElementsByTagNameNS(NS, "contact").getLength(); }
        Element contact(int i) { return (Element) reginfo.getElementsByTagNameNS(NS, "contact").item(i); }
    }

    @Test
    public void fullStateFirstThenEveryChangeThenRefreshAndUnsubscribe() throws Exception {
        UdpSipPeer.Message ok = subscribe("bob", "reg", 120);
        assertEquals(200, ok.status());
        assertEquals("120", ok.header("Expires"));
        Notify first = nextNotify();
        assertTrue(first.subscriptionState(), first.subscriptionState().startsWith("active"));
        assertEquals("0", first.attr("version"));
        assertEquals("full", first.attr("state"));
        assertEquals("init", first.registration().getAttribute("state"));
        assertEquals(0, first.contacts());

        {
            register("bob", 600, 1);
            Notify registered = nextNotify();
            assertEquals("1", registered.attr("version"));
            assertEquals("partial", registered.attr("state"));
            assertEquals("active", registered.registration().getAttribute("state"));
            assertEquals(1, registered.contacts());
            assertEquals("registered", registered.contact(0).getAttribute("event"));
            assertEquals("active", registered.contact(0).getAttribute("state"));
            String uri = registered.contact(0).getElementsByTagNameNS(NS, "uri").item(0).getTextContent();
            assertEquals("the contact exactly as registered", "sip:bob@127.0.0.1:" + watcher.port() + ";pn-provider=fcm;pn-prid=tok;pn-param=proj", uri);

            register("bob", 600, 2);
            assertEquals("refreshed", nextNotify().contact(0).getAttribute("event"));

            register("bob", 0, 3);
            Notify gone = nextNotify();
            assertEquals("3", gone.attr("version"));
            assertEquals("terminated", gone.registration().getAttribute("state"));
            assertEquals("unregistered", gone.contact(0).getAttribute("event"));
            assertEquals("terminated", gone.contact(0).getAttribute("state"));
        }

        assertEquals(200, subscribe("bob", "reg", 60).status());
        Notify refreshed = nextNotify();
        assertEquals("4", refreshed.attr("version"));
        assertEquals("full", refreshed.attr("state"));
        assertTrue(refreshed.subscriptionState(), refreshed.subscriptionState().startsWith("active"));

        assertEquals(200, subscribe("bob", "reg", 0).status());
        Notify last = nextNotify();
        assertTrue(last.subscriptionState(), last.subscriptionState().startsWith("terminated"));
    }

    @Test
    public void anExpiringBindingIsNotifiedAsExpired() throws Exception {
        assertEquals(200, subscribe("carol", "reg", 60).status());
        nextNotify();
        register("carol", 2, 1);
        assertEquals("registered", nextNotify().contact(0).getAttribute("event"));
        Notify expired = nextNotify();
        assertEquals("expired", expired.contact(0).getAttribute("event"));
        assertEquals("terminated", expired.registration().getAttribute("state"));
    }

    @Test
    public void theSubscriptionEndsWithATerminatedNotifyWhenItExpires() throws Exception {
        assertEquals(200, subscribe("dave", "reg", 2).status());
        assertTrue(nextNotify().subscriptionState().startsWith("active"));
        Notify end = nextNotify();
        assertTrue(end.subscriptionState(), end.subscriptionState().startsWith("terminated"));
        assertTrue(end.subscriptionState(), end.subscriptionState().contains("reason=timeout"));
    }

    @Test
    public void anUnknownEventPackageIs489() throws Exception {
        UdpSipPeer.Message r = subscribe("bob", "presence", 60);
        assertEquals(489, r.status());
        assertEquals("reg", r.header("Allow-Events"));
    }

    @Test
    public void aStrangerMayNotWatchARegistration() throws Exception {
        // Another source address, not a trusted peer, with a foreign From: not the user, not a trusted server.
        try (UdpSipPeer stranger = new UdpSipPeer("127.0.0.3", CONTAINER_PORT)) {
            stranger.send("SUBSCRIBE sip:bob@127.0.0.1:" + CONTAINER_PORT + " SIP/2.0\n"
                    + "Via: SIP/2.0/UDP 127.0.0.3:" + stranger.port() + ";branch=z9hG4bKeve" + System.nanoTime() + "\n"
                    + "Max-Forwards: 70\nFrom: <sip:eve@example.org>;tag=eve\nTo: <sip:bob@127.0.0.1>\n"
                    + "Call-ID: eve-" + System.nanoTime() + "\nCSeq: 1 SUBSCRIBE\nContact: <sip:eve@127.0.0.3:" + stranger.port() + ">\n"
                    + "Event: reg\nExpires: 60\nContent-Length: 0\n\n");
            assertEquals(403, stranger.finalResponse(5000).status());
        }
    }
}
