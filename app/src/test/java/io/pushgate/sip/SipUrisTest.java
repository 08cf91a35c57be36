package io.pushgate.sip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

public class SipUrisTest {
    @Test
    public void hostPortStopsAtParametersAndHeaders() {
        assertEquals("127.0.0.1:5060", SipUris.hostPort("sip:dev@127.0.0.1:5060;pn-provider=fcm"));
        assertEquals("example.org", SipUris.hostPort("sip:example.org?Subject=x"));
        assertEquals("[2001:db8::1]:5062", SipUris.hostPort("sip:a@[2001:db8::1]:5062"));
        // a port that is a prefix of another must not match it
        assertEquals("127.0.0.1:50", SipUris.hostPort("sip:a@127.0.0.1:50;x"));
    }

    @Test
    public void userAndParameters() {
        assertEquals("alice", SipUris.user("sip:alice@h;x=1"));
        assertNull(SipUris.user("sip:h;x=a@b"));
        assertEquals(Map.of("x", "1", "lr", ""), SipUris.parameters("sip:h;x=1;lr"));
    }

    @Test
    public void digitsUpToALength() {
        assertTrue(SipUris.digits("5060", 5));
        assertTrue(SipUris.digits("65535", 5));
        assertFalse(SipUris.digits("123456", 5));
        assertFalse(SipUris.digits("", 5));
        assertFalse(SipUris.digits("50a0", 5));
        assertFalse(SipUris.digits(" 50", 5));
        assertFalse(SipUris.digits("-1", 5));
    }
}
