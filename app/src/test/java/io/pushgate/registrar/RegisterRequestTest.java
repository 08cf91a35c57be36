package io.pushgate.registrar;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.pushgate.testing.TestRequest;
import java.util.List;
import org.junit.Test;

/** RFC 3261 section 10.3 as plain functions of a parsed REGISTER. */
public class RegisterRequestTest {
    private static final RegistrarSettings SETTINGS = new RegistrarSettings(60, 3600, 600, 10, true, 30);

    static RegisterRequest parse(String contacts, String expiresHeader) throws Exception {
        return RegisterRequest.of(TestRequest.of("REGISTER sip:example.com SIP/2.0\n"
                + "From: <sip:alice@example.com>;tag=1\nTo: \"Alice\" <sip:alice@Example.COM>\nCall-ID: reg-1\nCSeq: 7 REGISTER\n"
                + (contacts == null ? "" : "Contact: " + contacts + "\n")
                + (expiresHeader == null ? "" : "Expires: " + expiresHeader + "\n")
                + "Path: <sip:edge1.example.com;lr>\nPath: <sip:edge2.example.com;lr>\nUser-Agent: test-phone\n")
                .from("198.51.100.7", 40000, "TCP"));
    }

    @Test
    public void everythingTheRegistrarNeedsIsReadOnce() throws Exception {
        RegisterRequest r = parse("<sip:alice@10.0.0.1:5070;transport=tcp;pn-provider=fcm;pn-prid=tok;pn-param=proj>"
                + ";expires=120;+sip.instance=\"<urn:uuid:1>\";reg-id=1, <sips:alice@phone.example.com>;q=0.5", "300");
        assertEquals("sip:alice@example.com", r.aor());
        assertEquals("reg-1", r.callId());
        assertEquals(7, r.cseq());
        assertEquals(300, r.expiresHeader());
        assertFalse(r.wildcard());
        assertEquals(List.of("<sip:edge1.example.com;lr>", "<sip:edge2.example.com;lr>"), r.path());
        assertEquals("tcp", r.transport());
        assertEquals("198.51.100.7", r.sourceAddress());
        assertEquals(40000, r.sourcePort());
        assertEquals("test-phone", r.userAgent());

        RegisterRequest.Contact first = r.contacts().get(0);
        assertEquals("sip:alice@10.0.0.1:5070;transport=tcp;pn-provider=fcm;pn-prid=tok;pn-param=proj", first.uri());
        assertEquals("alice", first.user());
        assertEquals("10.0.0.1", first.host());
        assertEquals(5070, first.port());
        assertEquals("tcp", first.transportParam());
        assertEquals("tok", first.uriParams().get("pn-prid"));
        assertEquals(120, first.expires());
        assertEquals("\"<urn:uuid:1>\"", first.headerParam("+sip.instance"));
        RegisterRequest.Contact second = r.contacts().get(1);
        assertTrue(second.secure());
        assertEquals(-1, second.expires());
        assertEquals(0.5f, second.q(), 0.0001);
    }

    @Test
    public void aContactsExpiryIsItsOwnThenTheHeadersThenTheDefault() throws Exception {
        RegisterRequest withHeader = parse("<sip:a@h>;expires=120, <sip:b@h>", "300");
        assertEquals(120, withHeader.askedExpiry(withHeader.contacts().get(0), 600));
        assertEquals(300, withHeader.askedExpiry(withHeader.contacts().get(1), 600));
        RegisterRequest none = parse("<sip:b@h>", null);
        assertEquals(600, none.askedExpiry(none.contacts().get(0), 600));
    }

    @Test
    public void tooBriefIsAnsweredWithMinExpiresButZeroRemoves() throws Exception {
        assertEquals(60, SETTINGS.tooBrief(parse("<sip:a@h>;expires=30", null)));
        assertEquals(0, SETTINGS.tooBrief(parse("<sip:a@h>;expires=0", null)));
        assertEquals(0, SETTINGS.tooBrief(parse("<sip:a@h>", "60")));
        assertEquals("one brief contact among good ones", 60, SETTINGS.tooBrief(parse("<sip:a@h>, <sip:b@h>;expires=59", "600")));
    }

    @Test
    public void aLongExpiryIsShortenedToTheMaximum() throws Exception {
        RegisterRequest r = parse("<sip:a@h>;expires=999999", null);
        assertEquals(3600, SETTINGS.granted(r, r.contacts().get(0)));
    }

    @Test
    public void theWildcardOnlyAloneAndWithExpiresZero() throws Exception {
        assertFalse(parse("*", "0").wildcardMisused());
        assertTrue(parse("*", "60").wildcardMisused());
        assertTrue(parse("*", null).wildcardMisused());
        assertTrue(parse("*\nContact: <sip:a@h>", "0").wildcardMisused());
        assertTrue(parse("*", "0").wildcard());
    }

    @Test
    public void aContactThatIsNotSipKeepsItsExpiryAndIsMarkedSo() throws Exception {
        RegisterRequest r = parse("<tel:+15551234>;expires=90;q=0.2", null);
        assertFalse(r.contacts().get(0).sip());
        assertEquals(90, r.contacts().get(0).expires());
        assertEquals(0.2f, r.contacts().get(0).q(), 0.0001);
    }

    @Test
    public void aRefreshFromTheSameCallIdNeedsAHigherCSeq() throws Exception {
        RegisterRequest r = parse("<sip:a@h>", null); // Call-ID reg-1, CSeq 7
        assertTrue(r.outOfOrderFor(stored("reg-1", 7)));
        assertTrue(r.outOfOrderFor(stored("reg-1", 8)));
        assertFalse(r.outOfOrderFor(stored("reg-1", 6)));
        assertFalse("another Call-ID is another registration", r.outOfOrderFor(stored("other", 100)));
        assertFalse(r.outOfOrderFor(null));
    }

    @Test
    public void aDeviceIsOneBindingByInstanceAndRegIdWhateverItsAddress() throws Exception {
        RegisterRequest a = parse("<sip:alice@10.0.0.1>;+sip.instance=\"<urn:uuid:1>\";reg-id=1", null);
        RegisterRequest b = parse("<sip:alice@10.0.0.99:6000>;+sip.instance=\"<urn:uuid:1>\";reg-id=1", null);
        RegisterRequest c = parse("<sip:alice@10.0.0.1>;+sip.instance=\"<urn:uuid:1>\";reg-id=2", null);
        String aor = "sip:alice@example.com";
        assertEquals(a.bindingId(aor, a.contacts().get(0)), b.bindingId(aor, b.contacts().get(0)));
        assertFalse(a.bindingId(aor, a.contacts().get(0)).equals(c.bindingId(aor, c.contacts().get(0))));
    }

    @Test
    public void aBindingKeepsItsContactAsSentAndTheObservedAddressBehindNat() throws Exception {
        RegisterRequest r = parse("<sip:alice@10.0.0.1:5070;transport=tcp>;expires=120;q=0.7;+sip.instance=\"<urn:uuid:1>\"", null);
        BindingRecord b = ContactBinding.of(r.aor(), r, r.contacts().get(0), 120, 1_000_000, true);
        assertEquals("sip:alice@10.0.0.1:5070;transport=tcp", b.contactUri());
        assertEquals(";+sip.instance=\"<urn:uuid:1>\"", b.headerParams());
        assertEquals(700, b.qMilli());
        assertEquals(1_000_000 + 120_000, b.expiresAt());
        assertEquals("tcp:198.51.100.7:40000", b.source());
        assertEquals("<sip:edge1.example.com;lr>\n<sip:edge2.example.com;lr>", String.join("\n", b.path()));
        // behind a Path the edge proxy reaches the device, so the observed address is not ours to use
        assertNull(b.received());
        RegisterRequest direct = RegisterRequest.of(TestRequest.of("""
                REGISTER sip:example.com SIP/2.0
                From: <sip:alice@example.com>;tag=1
                To: <sip:alice@example.com>
                Call-ID: nat
                CSeq: 1 REGISTER
                Contact: <sip:alice@10.0.0.1:5070>
                """).from("198.51.100.7", 40000, "UDP"));
        assertEquals("198.51.100.7:40000", ContactBinding.of(direct.aor(), direct, direct.contacts().get(0), 60, 0, true).received());
        assertNull("nat-rewrite off", ContactBinding.of(direct.aor(), direct, direct.contacts().get(0), 60, 0, false).received());
        RegisterRequest relayed = RegisterRequest.of(TestRequest.of("""
                REGISTER sip:example.com SIP/2.0
                Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKproxy
                Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKphone
                From: <sip:alice@example.com>;tag=1
                To: <sip:alice@example.com>
                Call-ID: nat
                CSeq: 1 REGISTER
                Contact: <sip:alice@10.0.0.1:5070>
                """).from("198.51.100.7", 5060, "UDP"));
        // the source is a proxy (a dispatcher): calls must not go to it as if it were the device
        assertNull("relayed by a proxy", ContactBinding.of(relayed.aor(), relayed, relayed.contacts().get(0), 60, 0, true).received());
    }

    @Test
    public void aParameterValueReadLenientlyIsQuotedSoThe200CanCarryIt() {
        assertEquals("\"<urn:uuid:1>\"", ContactBinding.paramValue("<urn:uuid:1>"));
        assertEquals("\"<urn:uuid:1>\"", ContactBinding.paramValue("\"<urn:uuid:1>\""));
        assertEquals("3600", ContactBinding.paramValue("3600"));
        assertEquals("[2001:db8::1]", ContactBinding.paramValue("[2001:db8::1]"));
        assertEquals("\"a b\\\"c\"", ContactBinding.paramValue("a b\"c"));
    }

    private static BindingRecord stored(String callId, long cseq) {
        return new BindingRecord("id", "sip:alice@example.com", "sip:a@h", "", null, 0, 1000, Long.MAX_VALUE, callId, cseq,
                null, "udp:1.2.3.4:5060", null, null, 0);
    }
}
