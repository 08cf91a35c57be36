package io.pushgate.sip;

import static org.junit.Assert.assertEquals;

import io.pushgate.testing.TestRequest;
import java.util.Set;
import org.junit.Test;

public class OptionTagsTest {
    @Test
    public void theTagsNotImplementedAreListedAcrossHeadersAndCommas() {
        TestRequest r = TestRequest.of("REGISTER sip:example.com SIP/2.0\nFrom: <sip:a@example.com>;tag=1\nTo: <sip:a@example.com>\n"
                + "Call-ID: tags\nCSeq: 1 REGISTER\nRequire: Path, gruu\nRequire: outbound\n");
        assertEquals("gruu, outbound", OptionTags.unsupported(r, "Require", Set.of("path")));
        assertEquals("", OptionTags.unsupported(r, "Proxy-Require", Set.of()));
    }
}
