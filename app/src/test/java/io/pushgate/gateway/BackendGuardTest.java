package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class BackendGuardTest {
    private static TestRequest routed(String from) {
        return TestRequest.of("""
                INVITE sip:bob@gateway.example.com;CtRtabc=10.0.0.5~5060;doroute SIP/2.0
                From: <sip:alice@example.com>;tag=1
                To: <sip:bob@example.com>
                Call-ID: guard
                CSeq: 1 INVITE
                Contact: <sip:alice@192.0.2.99>
                """).from(from, 5060, "UDP");
    }

    @Test
    public void aRoutedRequestFromTheBackendPassesAndFromElsewhereIs403() throws Exception {
        BackendGuard guard = new BackendGuard(Set.of("192.0.2.1"));
        assertTrue(StepRun.of(routed("192.0.2.1"), guard).proceeded());
        StepRun outsider = StepRun.of(routed("198.51.100.9"), guard);
        assertEquals(403, outsider.status());
    }

    @Test
    public void anyOtherRequestPassesFromAnywhere() throws Exception {
        TestRequest register = TestRequest.of("REGISTER sip:example.com SIP/2.0\nFrom: <sip:bob@example.com>;tag=1\nTo: <sip:bob@example.com>\n"
                + "Call-ID: guard2\nCSeq: 1 REGISTER\nContact: <sip:bob@198.51.100.9>\n").from("198.51.100.9", 5060, "UDP");
        assertTrue(StepRun.of(register, new BackendGuard(Set.of("192.0.2.1"))).proceeded());
    }

    @Test
    public void theBackendAddressesAreConfiguredOrResolvedFromTheBackend() throws Exception {
        GatewaySettings named = new GatewaySettings("sip:127.0.0.1:5070;transport=tcp", List.of(), List.of("*"),
                GatewaySettings.Mode.MASQUERADE, false, "", 100, 32, List.of());
        assertEquals(Set.of("127.0.0.1"), BackendGuard.addresses(named));
        GatewaySettings listed = new GatewaySettings("127.0.0.1:5070", List.of(), List.of("*"),
                GatewaySettings.Mode.MASQUERADE, false, "", 100, 32, List.of("192.0.2.1", "192.0.2.2"));
        assertEquals(Set.of("192.0.2.1", "192.0.2.2"), BackendGuard.addresses(listed));
        assertEquals("::1", BackendGuard.host("[::1]:5060"));
    }
}
