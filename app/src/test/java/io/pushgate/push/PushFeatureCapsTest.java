package io.pushgate.push;

import static org.junit.Assert.assertEquals;

import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import org.junit.Test;

/** What a registering device is told (RFC 8599 Feature-Caps), only with a 2xx and only what holds. */
public class PushFeatureCapsTest {
    private static final PushCapabilities SERVED = new PushCapabilities() {
        @Override public boolean supports(String provider) { return provider.equals("fcm") || provider.equals("webpush"); }
        @Override public List<String> featureCaps(String provider) {
            return provider.equals("webpush") ? List.of("+sip.vapid=\"BKEY\"") : List.of();
        }
    };

    private static TestRequest register(String contact) {
        return TestRequest.of("""
                REGISTER sip:example.com SIP/2.0
                From: <sip:alice@example.com>;tag=1
                To: <sip:alice@example.com>
                Call-ID: caps-1
                CSeq: 1 REGISTER
                Contact: %s
                """.formatted(contact)).from("192.0.2.1", 5060, "UDP");
    }

    private static List<String> caps(String contact, int status, int pnsregSeconds) throws Exception {
        StepRun run = StepRun.of(register(contact), new PushFeatureCaps(SERVED, pnsregSeconds), (ex, chain) -> ex.reply(status, null));
        return iterable(run.response().getHeaders("Feature-Caps"));
    }

    /** A device stored with parameters no service takes would never be woken, and would never know. */
    @Test
    public void aDeviceNoServiceCouldPushIsRefusedBeforeTheRegistrarStoresIt() throws Exception {
        assertEquals(555, status("<sip:a@192.0.2.1;pn-provider=apns;pn-prid=t;pn-param=T.b.voip>"));
        assertEquals("a query for a provider not served", 555, status("<sip:a@192.0.2.1;pn-provider=carrier-pigeon>"));
        assertEquals(400, status("<sip:a@192.0.2.1;pn-provider=webpush;pn-prid=https://push.example/s/1;pn-param=short>"));
        assertEquals(200, status("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=t;pn-param=p>"));
        assertEquals(200, status("<sip:a@192.0.2.1>"));
    }

    @Test
    public void aRegistrarWithAnApplicationServerTakesAnyProviderButNotMalformedParameters() throws Exception {
        PushCapabilities viaServer = PushCapabilities.throughApplicationServer(SERVED);
        assertEquals(200, status("<sip:a@192.0.2.1;pn-provider=apns;pn-prid=t;pn-param=T.b.voip>", viaServer));
        assertEquals(400, status("<sip:a@192.0.2.1;pn-provider=apns;pn-prid=abc>", viaServer));
    }

    private static int status(String contact) throws Exception {
        return status(contact, SERVED);
    }

    private static int status(String contact, PushCapabilities push) throws Exception {
        return StepRun.of(register(contact), new PushFeatureCaps(push, 0), (ex, chain) -> ex.reply(200, null)).response().getStatus();
    }

    private static List<String> iterable(java.util.ListIterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    public void aDeviceIsToldItsProviderTheVapidKeyAndTheWakeUp() throws Exception {
        assertEquals(List.of("*;+sip.pns=\"webpush\"", "*;+sip.vapid=\"BKEY\"", "*;+sip.pnsreg=\"120\""),
                caps("<sip:a@192.0.2.1;pn-provider=webpush;pn-prid=https://push.example/s/1;pn-param="
                        + "B".repeat(87) + "." + "A".repeat(22) + ">;+sip.pnsreg", 200, 120));
        assertEquals(List.of("*;+sip.pns=\"fcm\""), caps("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=t;pn-param=p>", 200, 120));
    }

    /** A browser asks for the VAPID key before it can subscribe: pn-provider alone (RFC 8599). */
    @Test
    public void aQueryGetsTheKey() throws Exception {
        assertEquals(List.of("*;+sip.pns=\"webpush\"", "*;+sip.vapid=\"BKEY\""), caps("<sip:a@192.0.2.1;pn-provider=webpush>", 200, 120));
    }

    @Test
    public void nothingWithoutAServedProviderA2xxOrWakeUps() throws Exception {
        assertEquals(List.of(), caps("<sip:a@192.0.2.1>", 200, 120));
        assertEquals(List.of(), caps("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=t;pn-param=p>", 423, 120));
        assertEquals(List.of("*;+sip.pns=\"fcm\""), caps("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=t;pn-param=p>;+sip.pnsreg", 200, 0));
    }
}
