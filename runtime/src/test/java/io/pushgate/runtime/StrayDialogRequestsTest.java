package io.pushgate.runtime;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

public class StrayDialogRequestsTest {
    private static final List<StrayDialogRequests.Listening> OURS = List.of(new StrayDialogRequests.Listening("192.0.2.5", 5060),
            new StrayDialogRequests.Listening("192.0.2.5", 5061));

    private static StrayDialogRequests.Listening listening(String host, int port) {
        return new StrayDialogRequests.Listening(host, port);
    }

    private static SIPRequest request(String method, String ruri, String toTag, String extra) throws Exception {
        String text = method + " " + ruri + " SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKstray\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: stray\r\nCSeq: 2 " + method + "\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n";
        return (SIPRequest) new StrictMessageParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    @Test
    public void anInDialogRequestForAnotherHostWithoutRouteIsStray() throws Exception {
        assertTrue(StrayDialogRequests.stray(request("BYE", "sip:bob@203.0.113.9", "b", ""), () -> OURS));
        assertTrue("a re-INVITE to a gateway somewhere", StrayDialogRequests.stray(request("INVITE", "sip:+15551234@203.0.113.9", "b",
                "Contact: <sip:alice@198.51.100.1>\r\n"), () -> OURS));
        assertTrue("an ACK too (dropped unless it belongs to a transaction here)",
                StrayDialogRequests.stray(request("ACK", "sip:bob@203.0.113.9", "b", ""), () -> OURS));
        assertTrue("our address on a port we do not listen on", StrayDialogRequests.stray(request("BYE", "sip:192.0.2.5:5070", "b", ""), () -> OURS));
    }

    @Test
    public void whatBelongsHerePasses() throws Exception {
        assertFalse("our contact", StrayDialogRequests.stray(request("BYE", "sip:192.0.2.5:5060", "b", ""), () -> OURS));
        assertFalse("our contact, default port", StrayDialogRequests.stray(request("NOTIFY", "sip:pushgate@192.0.2.5", "b", ""), () -> OURS));
        assertFalse("along our record-route", StrayDialogRequests.stray(request("BYE", "sip:bob@203.0.113.9", "b",
                "Route: <sip:192.0.2.5;lr>\r\n"), () -> OURS));
        assertFalse("an initial request", StrayDialogRequests.stray(request("INVITE", "sip:bob@203.0.113.9", null,
                "Contact: <sip:alice@198.51.100.1>\r\n"), () -> OURS));
    }

    @Test
    public void aWildcardListenerStandsForEveryAddressOfTheMachine() throws Exception {
        List<String> machine = List.of("127.0.0.1", "192.0.2.5", "0:0:0:0:0:0:0:1");
        var v4 = StrayDialogRequests.expand(List.of(listening("0.0.0.0", 5060)), machine);
        assertTrue("another host is still stray", StrayDialogRequests.stray(request("BYE", "sip:bob@203.0.113.9", "b", ""), () -> v4));
        assertFalse("an address of an interface", StrayDialogRequests.stray(request("BYE", "sip:192.0.2.5:5060", "b", ""), () -> v4));
        assertTrue("0.0.0.0 is IPv4 only", StrayDialogRequests.stray(request("BYE", "sip:[::1]:5060", "b", ""), () -> v4));
        var both = StrayDialogRequests.expand(List.of(listening("0:0:0:0:0:0:0:0", 5060), listening("192.0.2.5", 5061)), machine);
        assertFalse(":: takes IPv6 too", StrayDialogRequests.stray(request("BYE", "sip:[::1]:5060", "b", ""), () -> both));
        assertFalse("and IPv4", StrayDialogRequests.stray(request("BYE", "sip:127.0.0.1:5060", "b", ""), () -> both));
        assertTrue("the fixed listener keeps its own port", StrayDialogRequests.stray(request("BYE", "sip:127.0.0.1:5061", "b", ""), () -> both));
        assertFalse("interfaces unknown: nothing is refused", StrayDialogRequests.stray(request("BYE", "sip:bob@203.0.113.9", "b", ""),
                () -> StrayDialogRequests.expand(List.of(listening("0.0.0.0", 5060)), null)));
    }
}
