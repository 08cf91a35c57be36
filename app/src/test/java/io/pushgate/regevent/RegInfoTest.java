package io.pushgate.regevent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

public class RegInfoTest {
    private static BindingRecord binding(String uri) {
        return new BindingRecord("id1", "sip:bob@example.org", uri, "", "<urn:uuid:1>", 1, 500, 61_000, "cid&<x>", 7, null,
                "udp:192.0.2.1:5060", null, null, 1_000);
    }

    @Test
    public void writtenDocumentsReadBackWithTheirContacts() {
        String uri = "sip:bob@192.0.2.1:5062;pn-provider=apns;pn-prid=T&<x>";
        String xml = RegInfo.write("sip:bob@example.org", 3, false, true,
                List.of(new BindingChange(binding(uri), BindingChange.Event.REGISTERED)), 1_000);
        assertTrue(xml, xml.contains("version=\"3\""));
        assertTrue(xml, xml.contains("state=\"partial\""));
        assertTrue("special characters escaped: " + xml, xml.contains("callid=\"cid&amp;&lt;x&gt;\""));
        assertTrue(xml, xml.contains("expires=\"60\""));
        List<RegInfo.Registration> regs = RegInfo.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, regs.size());
        assertEquals("active", regs.get(0).state());
        assertTrue(regs.get(0).hasActiveContact());
        assertEquals(uri, regs.get(0).contacts().get(0).uri());
        assertEquals("registered", regs.get(0).contacts().get(0).event());
    }

    @Test
    public void removedContactsAreTerminated() {
        String xml = RegInfo.write("sip:bob@example.org", 4, false, false,
                List.of(new BindingChange(binding("sip:bob@192.0.2.1"), BindingChange.Event.EXPIRED)), 70_000);
        RegInfo.Registration r = RegInfo.parse(xml.getBytes(StandardCharsets.UTF_8)).get(0);
        assertEquals("terminated", r.state());
        assertFalse(r.hasActiveContact());
        assertEquals("expired", r.contacts().get(0).event());
        assertFalse("no expires on a terminated contact: " + xml, xml.contains("expires="));
    }

    @Test
    public void fullStateWithoutContactsIsInit() {
        String xml = RegInfo.write("sip:bob@example.org", 0, true, false, List.of(), 0);
        assertEquals("init", RegInfo.parse(xml.getBytes(StandardCharsets.UTF_8)).get(0).state());
    }

    @Test
    public void anythingElseIsRefused() {
        for (String bad : new String[] {"", "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"/>", "<reginfo",
                "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\">&e;</reginfo>"}) {
            try {
                RegInfo.parse(bad.getBytes(StandardCharsets.UTF_8));
                fail("accepted: " + bad);
            } catch (IllegalArgumentException expected) {
                // refused, as it should be
            }
        }
    }
}
