package io.pushgate.media;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class BencodeTest {
    private static String enc(Object v) {
        return new String(Bencode.encode(v), StandardCharsets.UTF_8);
    }

    @Test
    public void encodesEachTypeAndSortsKeys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sdp", "v=0");
        m.put("command", "offer");
        m.put("flags", List.of("trust-address", "ICE=remove"));
        m.put("ttl", 30);
        assertEquals("d7:command5:offer5:flagsl13:trust-address10:ICE=removee3:sdp3:v=03:ttli30ee", enc(m));
        assertEquals("i-7e", enc(-7L));
        assertEquals("0:", enc(""));
    }

    @Test
    public void roundTripsNestedValues() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("a", List.of(1L, "two", List.of()));
        inner.put("é", "ü");
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("inner", inner);
        outer.put("n", 42L);
        assertEquals(outer, Bencode.decode(Bencode.encode(outer)));
    }

    @Test
    public void decodesRtpengineAnswer() throws Exception {
        byte[] pong = "d6:result4:ponge".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Map.of("result", "pong"), Bencode.decode(pong));
    }

    @Test
    public void refusesMalformedInput() {
        for (String bad : new String[] {"", "d", "d3:abc", "i12", "5:abc", "x", "di1e1:ae", "i1ei2e", "l", "3a:abc", "ixe"}) {
            try {
                Bencode.decode(bad.getBytes(StandardCharsets.US_ASCII));
                fail("accepted " + bad);
            } catch (Bencode.MalformedException expected) {
                // refused, as it must be
            }
        }
    }
}
