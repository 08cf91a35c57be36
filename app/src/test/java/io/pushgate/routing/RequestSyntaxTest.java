package io.pushgate.routing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.testing.TestRequest;
import java.util.Optional;
import org.junit.Test;

/** Requests the stack parses leniently, as RFC 4475 shapes them; parsed here as the stack does. */
public class RequestSyntaxTest {
    private static final String HEADERS = "From: <sip:alice@example.com>;tag=a\nTo: <sip:bob@example.com>\nCall-ID: syntax\n";

    private static Optional<RequestSyntax.Refusal> check(String text) {
        return RequestSyntax.check(TestRequest.of(text));
    }

    private static int status(String text) {
        return check(text).map(RequestSyntax.Refusal::status).orElse(0);
    }

    @Test
    public void anOrdinaryRequestAndAnRfc2543OneWithoutMaxForwardsPass() {
        assertEquals(0, status("OPTIONS sip:bob@example.com SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\nMax-Forwards: 0068\n"));
        assertEquals(0, status("INVITE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP gw.example.com\n" + HEADERS + "CSeq: 56 INVITE\n"
                .replace("Max-Forwards", "X")));
    }

    @Test
    public void aMaxForwardsOrExpiresThatIsNotANumberInRangeIs400() {
        assertEquals("Bad Max-Forwards", check("OPTIONS sip:bob@example.com SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\nMax-Forwards: abc\n")
                .orElseThrow().reason());
        assertEquals(400, status("OPTIONS sip:bob@example.com SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\nMax-Forwards: 300\n"));
        assertEquals(400, status("REGISTER sip:example.com SIP/2.0\n" + HEADERS.replace("bob", "alice")
                + "CSeq: 1 REGISTER\nExpires: 10000000000000000000000\n"));
    }

    @Test
    public void aFromWhoseUriTheContainerCannotReadIs400NotAnException() {
        // found by the fuzzer: the stack keeps "(sip:..." as a generic URI, the container throws on reading it
        assertEquals("Bad From", check("OPTIONS sip:bob@example.com SIP/2.0\nFrom:(sip:alice@example.com;tag=a\nTo: <sip:bob@example.com>\n"
                + "Call-ID: syntax\nCSeq: 1 OPTIONS\n").orElseThrow().reason());
        assertEquals("Bad Contact", check("REGISTER sip:example.com SIP/2.0\n" + HEADERS.replace("bob", "alice")
                + "CSeq: 1 REGISTER\nContact: <s)p:alice@192.0.2.10>\n").orElseThrow().reason());
        assertEquals("a wildcard is an address too", 0, status("REGISTER sip:example.com SIP/2.0\n" + HEADERS.replace("bob", "alice")
                + "CSeq: 1 REGISTER\nContact: *\nExpires: 0\n"));
    }

    @Test
    public void aBrokenInformationalHeaderIsIgnored() {
        assertEquals(0, status("OPTIONS sip:bob@example.com SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\nDate: Fri, 01 Jan 2010 16:00:00 EST\n"));
    }

    @Test
    public void aMissingToFromOrCallIdIs400() {
        assertEquals("Missing To", check("INVITE sip:bob@example.com SIP/2.0\nFrom: <sip:alice@example.com>;tag=a\nCall-ID: x\nCSeq: 1 INVITE\n")
                .orElseThrow().reason());
        assertEquals(400, status("INVITE sip:bob@example.com SIP/2.0\nCSeq: 193942 INVITE\n"));
    }

    @Test
    public void aRequestUriOfAnotherSchemeIs416() {
        assertEquals(416, status("OPTIONS nobodyknowsthisscheme:totallyopaquecontent SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\n"));
        assertEquals(416, status("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\n"));
    }

    @Test
    public void aRegisterForAnAddressOfRecordThatIsNotSipIs400() {
        assertEquals(400, status("REGISTER sip:example.com SIP/2.0\nTo: isbn:2983792873\nFrom: <http://www.example.com>;tag=3234233\n"
                + "Call-ID: unksm2\nCSeq: 1 REGISTER\nContact: <name:John_Smith>\n"));
    }

    @Test
    public void aProxyRequireIs420NamingWhatIsUnsupported() {
        RequestSyntax.Refusal r = check("OPTIONS sip:bob@example.com SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\n"
                + "Require: nothingSupportsThis\nProxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\n").orElseThrow();
        assertEquals(420, r.status());
        assertTrue(r.unsupported(), r.unsupported().contains("noProxiesSupportThis") && r.unsupported().contains("norDoAnyProxiesSupportThis"));
    }
}
