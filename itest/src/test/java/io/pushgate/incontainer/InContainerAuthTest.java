package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * Digest authentication and identity checks in the container: the challenge, an answer computed
 * here by hand with MD5 and SHA-256, a wrong password, and credentials used for someone else.
 */
@RunWith(Arquillian.class)
public class InContainerAuthTest {
    static {
        InContainer.configure("""
                [auth]
                challenge-algorithms = SHA-256 MD5
                """, new String[] {"alice", "bob"}, Map.of());
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private UdpSipPeer phone;
    private final String callId = "auth-" + System.nanoTime();
    private int cseq;

    @Before
    public void phone() throws Exception {
        phone = new UdpSipPeer("127.0.0.1", InContainer.PORT);
    }

    @After
    public void close() {
        phone.close();
    }

    private UdpSipPeer.Message register(String from, String to, String authorization) throws Exception {
        phone.request("REGISTER", "sip:127.0.0.1:" + InContainer.PORT, "From: <sip:" + from + "@127.0.0.1>;tag=a\n"
                + "To: <sip:" + to + "@127.0.0.1>\nCall-ID: " + callId + "\nCSeq: " + (++cseq) + " REGISTER\n"
                + "Contact: <" + phone.contact(from) + ">\nExpires: 600\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\n"), "", null);
        return phone.finalResponse(5000);
    }

    private static String nonce(String challenge) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertTrue(challenge, m.find());
        return m.group(1);
    }

    @Test
    public void aRegisterIsChallengedOncePerAlgorithmAndEitherAnswerIsAccepted() throws Exception {
        UdpSipPeer.Message challenge = register("alice", "alice", null);
        assertEquals(401, challenge.status());
        List<String> offered = challenge.headers("WWW-Authenticate");
        assertEquals(offered.toString(), 2, offered.size());
        assertTrue(offered.get(0), offered.get(0).contains("algorithm=SHA-256"));
        assertTrue(offered.get(1), offered.get(1).contains("algorithm=MD5"));
        String uri = "sip:127.0.0.1:" + InContainer.PORT;
        assertEquals(200, register("alice", "alice", InContainer.digest("alice", "pw-alice", "SHA-256", nonce(offered.get(0)), "REGISTER", uri)).status());
        String again = register("alice", "alice", null).header("WWW-Authenticate");
        assertEquals(200, register("alice", "alice", InContainer.digest("alice", "pw-alice", "MD5", nonce(again), "REGISTER", uri)).status());
    }

    @Test
    public void aWrongPasswordIsChallengedAgain() throws Exception {
        String nonce = nonce(register("alice", "alice", null).header("WWW-Authenticate"));
        UdpSipPeer.Message r = register("alice", "alice", InContainer.digest("alice", "not-the-password", "SHA-256", nonce, "REGISTER",
                "sip:127.0.0.1:" + InContainer.PORT));
        assertEquals(401, r.status());
    }

    @Test
    public void credentialsOfOneUserCannotRegisterAnotherOrSendAsAnother() throws Exception {
        String nonce = nonce(register("alice", "bob", null).header("WWW-Authenticate"));
        UdpSipPeer.Message r = register("alice", "bob", InContainer.digest("alice", "pw-alice", "SHA-256", nonce, "REGISTER", "sip:127.0.0.1:" + InContainer.PORT));
        assertEquals(403, r.status());
        assertEquals("SIP/2.0 403 To Does Not Match Credentials", r.startLine());

        // a MESSAGE claiming to be from bob, answered with alice's credentials
        String target = "sip:alice@127.0.0.1:" + InContainer.PORT;
        String headers = "From: <sip:bob@127.0.0.1>;tag=m\nTo: <sip:alice@127.0.0.1>\nCall-ID: msg-" + callId + "\n";
        phone.request("MESSAGE", target, headers + "CSeq: 1 MESSAGE\n", "hi", "text/plain");
        UdpSipPeer.Message challenge = phone.finalResponse(5000);
        assertEquals(407, challenge.status());
        phone.request("MESSAGE", target, headers + "CSeq: 2 MESSAGE\nProxy-Authorization: "
                + InContainer.digest("alice", "pw-alice", "SHA-256", nonce(challenge.header("Proxy-Authenticate")), "MESSAGE", target) + "\n", "hi", "text/plain");
        UdpSipPeer.Message refused = phone.finalResponse(5000);
        assertEquals("SIP/2.0 403 From Does Not Match Credentials", refused.startLine());
    }
}
