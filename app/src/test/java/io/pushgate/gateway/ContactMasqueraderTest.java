package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.sip.SipUris;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

public class ContactMasqueraderTest {
    private final ContactMasquerader m = new ContactMasquerader("k3y9");

    @Test
    public void roundTripKeepsHostPortAndTransport() {
        ContactMasquerader.Origin device = new ContactMasquerader.Origin("192.0.2.7", 5062, "tcp");
        String masq = m.masquerade("alice", device, "198.51.100.1:5060");
        assertEquals("sip:alice@198.51.100.1:5060;CtRtk3y9=192.0.2.7:5062%3Btransport%3Dtcp;doroute", masq);
        Map<String, String> params = SipUris.parameters(masq);
        assertEquals(Optional.of(device), m.unmasquerade(params));
        assertTrue(params.containsKey(ContactMasquerader.MARKER));
    }

    @Test
    public void insertDomainContactsCarryADeviceTagThatKeepsThemApart() {
        ContactMasquerader.Origin domain = new ContactMasquerader.Origin("example.org", -1, null);
        String phone = m.masquerade("bob", domain, "gw.example.net:5070", "a1b2c3d4e5f6");
        String tablet = m.masquerade("bob", domain, "gw.example.net:5070", "0f9e8d7c6b5a");
        assertEquals("sip:bob@gw.example.net:5070;CtRtk3y9=example.org;pgdev=a1b2c3d4e5f6;doroute", phone);
        assertNotEquals(phone, tablet);
        assertEquals(Optional.of(domain), m.unmasquerade(SipUris.parameters(phone)));
        assertEquals("a1b2c3d4e5f6", SipUris.parameters(phone).get(ContactMasquerader.DEVICE));
    }

    @Test
    public void withoutPortOrTransport() {
        ContactMasquerader.Origin domain = new ContactMasquerader.Origin("example.org", -1, null);
        String masq = m.masquerade("bob", domain, "gw.example.net:5070");
        assertEquals(Optional.of(domain), m.unmasquerade(SipUris.parameters(masq)));
    }

    @Test
    public void ipv6HostKeepsItsBrackets() {
        ContactMasquerader.Origin v6 = new ContactMasquerader.Origin("[2001:db8::5]", 5060, "udp");
        assertEquals(Optional.of(v6), m.unmasquerade(SipUris.parameters(m.masquerade("c", v6, "gw:5060"))));
    }

    @Test
    public void unescapedValuesFromABackendAreReadToo() {
        // A backend may hand the value back unescaped inside a header it rebuilt.
        assertEquals(Optional.of(new ContactMasquerader.Origin("10.0.0.1", 5060, null)),
                m.unmasquerade(Map.of("ctrtk3y9", "10.0.0.1:5060")));
    }

    @Test
    public void unescapeUndoesEscapeWhateverTheTextHolds() {
        for (String s : new String[] {"", "plain", "a;b=c", "%", "%3B", "%253b", "x%", "x%3", ";;==%%", "100%;transport=tcp"}) {
            assertEquals(s, ContactMasquerader.unescape(ContactMasquerader.escape(s)));
        }
        assertEquals("h:5060;transport=tls", ContactMasquerader.unescape("h:5060%3btransport%3dtls")); // lower-case escapes too
    }

    @Test
    public void anotherInstallationsKeyIsNotOurs() {
        String theirs = new ContactMasquerader("other1").masquerade("a", new ContactMasquerader.Origin("h", 1, null), "gw:5060");
        assertFalse(m.isMasqueraded(SipUris.parameters(theirs)));
        assertEquals(Optional.empty(), m.unmasquerade(SipUris.parameters(theirs)));
    }

    @Test
    public void garbageValuesAreNotOrigins() {
        assertEquals(Optional.empty(), m.unmasquerade(Map.of("CtRtk3y9", "")));
        assertEquals(Optional.empty(), m.unmasquerade(Map.of("CtRtk3y9", "host:notaport")));
    }

    @Test
    public void newKeysAreRandomAndValid() {
        String a = ContactMasquerader.newKey(), b = ContactMasquerader.newKey();
        assertFalse(a.equals(b));
        new ContactMasquerader(a);
    }

    @Test(expected = IllegalArgumentException.class)
    public void keyWithSeparatorsIsRefused() {
        new ContactMasquerader("a;b=c");
    }
}
