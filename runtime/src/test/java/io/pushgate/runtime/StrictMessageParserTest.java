package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

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
}
