package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.pushgate.uac.RemoteRegistration;
import io.pushgate.uac.RemoteRegistrationTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * Remote registrations in the container, with the provider played by a bare UDP peer: the
 * challenge answered by the client's own digest code, the refresh on the same Call-ID with a
 * higher CSeq, and a call from the provider to the registration's Contact reaching the local user.
 */
@RunWith(Arquillian.class)
public class InContainerUacTest {
    private static final int PROVIDER_PORT = InContainer.freePort();

    static {
        InContainer.configure("""
                [auth]
                enabled = false
                [uac]
                startup-spread = 0
                poll-interval = 1
                """, new String[] {"alice"}, Map.of(), db -> new RemoteRegistrationTable(db).add(new RemoteRegistration(
                "trunk1", "alice", "localhost", "acme", "127.0.0.1:" + PROVIDER_PORT, null, null, "s3cret-provider", null, null,
                120, 0, 0, null, null)));
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return InContainer.archive();
    }

    private static String hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String param(String header, String name) {
        Matcher m = Pattern.compile(name + "=\"?([^\",]+)\"?").matcher(header);
        assertTrue(name + " in " + header, m.find());
        return m.group(1);
    }

    private static int cseq(UdpSipPeer.Message m) {
        return Integer.parseInt(m.header("cseq").split(" ")[0]);
    }

    @Test
    public void theRegistrationAnswersItsChallengeRefreshesOnItsCallIdAndTakesCallsForTheLocalUser() throws Exception {
        try (UdpSipPeer provider = new UdpSipPeer("127.0.0.1", PROVIDER_PORT, InContainer.PORT);
             UdpSipPeer phone = new UdpSipPeer("127.0.0.1", InContainer.PORT)) {
            UdpSipPeer.Message first = provider.nextRequest("REGISTER", 10_000);
            assertEquals("sip:127.0.0.1:" + PROVIDER_PORT, first.requestUri());
            assertTrue(first.header("to"), first.header("to").contains("sip:acme@127.0.0.1:" + PROVIDER_PORT));
            String contact = first.header("contact");
            assertTrue(contact, contact.startsWith("<sip:trunk1@127.0.0.1:" + InContainer.PORT));
            provider.answer(first, "401 Unauthorized", "p1", "WWW-Authenticate: Digest realm=\"acme\", nonce=\"n0nce1\", qop=\"auth\", algorithm=MD5\n");

            UdpSipPeer.Message answered = provider.nextRequest("REGISTER", 5000);
            assertEquals(first.header("call-id"), answered.header("call-id"));
            assertEquals(cseq(first) + 1, cseq(answered));
            String auth = answered.header("authorization");
            assertNotNull(auth);
            String ha1 = hex("acme:acme:s3cret-provider");
            String ha2 = hex("REGISTER:sip:127.0.0.1:" + PROVIDER_PORT);
            String expected = hex(ha1 + ":n0nce1:" + param(auth, "nc") + ":" + param(auth, "cnonce") + ":auth:" + ha2);
            assertEquals("the client's digest answer", expected, param(auth, "response"));
            provider.answer(answered, "200 OK", "p1", "Contact: " + contact.replace(";expires=120", "") + ";expires=12\n");

            // granted 12 s: refreshed at 10 s before the end, on the same Call-ID with a higher CSeq
            UdpSipPeer.Message refresh = provider.nextRequest("REGISTER", 8000);
            assertEquals(first.header("call-id"), refresh.header("call-id"));
            assertTrue(cseq(refresh) > cseq(answered));
            provider.answer(refresh, "200 OK", "p1", "Contact: " + contact.replace(";expires=120", "") + ";expires=120\n");

            // the local user, and a call from the provider to the registration's contact
            phone.request("REGISTER", "sip:127.0.0.1:" + InContainer.PORT, "From: <sip:alice@127.0.0.1>;tag=r\nTo: <sip:alice@127.0.0.1>\n"
                    + "Call-ID: alice-reg\nCSeq: 1 REGISTER\nContact: <" + phone.contact("alice") + ">\nExpires: 600\n", "", null);
            assertEquals(200, phone.finalResponse(5000).status());
            provider.request("INVITE", "sip:trunk1@127.0.0.1:" + InContainer.PORT, "From: <sip:+15550001@acme.example>;tag=c\n"
                    + "To: <sip:acme@acme.example>\nCall-ID: inbound-1\nCSeq: 1 INVITE\nContact: <" + provider.contact("pstn") + ">\n", "", null);
            UdpSipPeer.Message atPhone = phone.nextRequest("INVITE", 5000);
            assertEquals("inbound-1", atPhone.header("call-id"));
            phone.answer(atPhone, "486 Busy Here", "ph", "");
            assertEquals(486, provider.finalResponse(5000).status());
        }
    }
}
