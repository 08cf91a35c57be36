package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class EarlyRefusalsTest {
    private static EarlyRefusals.Refusal refusal(String requestLine) throws Exception {
        String text = requestLine + "\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKearly\r\nFrom: <sip:alice@example.com>;tag=a\r\n"
                + "To: <sip:alice@example.com>\r\nCall-ID: early\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return EarlyRefusals.refusal((SIPRequest) new StrictMessageParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null));
    }

    @Test
    public void anIpv6RequestUriHostWithoutBracketsIs400() throws Exception {
        // RFC 5118 section 4.2; the stack alone reads the host as if it had its brackets
        assertEquals(400, refusal("REGISTER sip:2001:db8::10 SIP/2.0").status());
        assertEquals(400, refusal("REGISTER sip:user@2001:db8::10;transport=udp SIP/2.0").status());
        // sections 4.1, 4.3, 4.4 and 4.9, and a password in the user part
        for (String ok : new String[] {"sip:[2001:db8::10]", "sip:[2001:db8::10:5070]", "sip:[2001:db8::10]:5070",
                "sip:user@[::ffff:192.0.2.2];maddr=x", "sip:user:secret@example.com:5060", "sip:example.com"}) {
            assertNull(ok, refusal("REGISTER " + ok + " SIP/2.0"));
        }
    }

    @Test
    public void anotherSipVersionIs505() throws Exception {
        assertEquals(505, refusal("REGISTER sip:example.com SIP/7.0").status());
    }
}
