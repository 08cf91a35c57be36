package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.Via;
import org.junit.Test;

public class StrictMessageParserTest {
    @Test
    public void headerTypesAreTheStacksWhateverTheCase() {
        assertEquals(Via.class, StrictMessageParser.typeOf("Via"));
        assertEquals(Via.class, StrictMessageParser.typeOf("VIA"));
        assertEquals(ContentLength.class, StrictMessageParser.typeOf("content-length"));
        assertNull(StrictMessageParser.typeOf("X-Anything"));
    }

    @Test
    public void aViaWhoseRportIsNotAPortIsRefused() throws ParseException {
        assertEquals("5060", via("rport=5060").getParameter("rport"));
        assertTrue(via("rport").hasParameter("rport"));
        for (String bad : new String[] {"rport=abc", "rport=123456", "rport=50a0", "rport=-1"}) {
            assertThrows(bad, ParseException.class, () -> via(bad));
        }
    }

    private static Via via(String param) throws ParseException {
        String msg = "REGISTER sip:example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;" + param + "\r\n"
                + "Max-Forwards: 70\r\nTo: <sip:a@example.org>\r\nFrom: <sip:a@example.org>;tag=1\r\n"
                + "Call-ID: c1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
        return (Via) new StrictMessageParser().parseSIPMessage(msg.getBytes(StandardCharsets.UTF_8), true, false, null).getTopmostVia();
    }
}
