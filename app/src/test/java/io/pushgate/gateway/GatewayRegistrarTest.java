package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.testing.SipText;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import io.pushgate.testing.TestResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Masquerading on the way to the backend, and register-on-response on the way back. */
public class GatewayRegistrarTest {
    private static final String KEY = "k3y0";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ContactMasquerader masquerader = new ContactMasquerader(KEY);
    private Database db;
    private BindingStore store;
    private GatewayRegistrar step;
    private final List<List<BindingRecord>> woken = new java.util.ArrayList<>();

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:gwreg" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class));
        store = new BindingStore(db, now::get);
        GatewaySettings settings = new GatewaySettings("10.1.1.1:5070", List.of(), List.of("*"), GatewaySettings.Mode.MASQUERADE,
                false, "", 100, 32, List.of());
        LocalDomain self = new LocalDomain(List.of("localhost"));
        self.addListeningAddress("192.0.2.1", 5060);
        step = new GatewayRegistrar(settings, new RegistrarSettings(60, 3600, 600, 10, true, 30), masquerader,
                new PendingRegistrations(100, 32, now::get), store, self, SipText.factory(), (aor, saved) -> woken.add(saved),
                new io.pushgate.push.PushCapabilities() {
                    @Override public boolean supports(String provider) { return provider.equals("apns") || provider.equals("fcm"); }
                    @Override public List<String> featureCaps(String provider) { return List.of(); }
                }, 0, now::get);
    }

    @After
    public void close() {
        store.close();
        db.close();
    }

    private static TestRequest register(String contact) {
        return TestRequest.of("""
                REGISTER sip:example.com SIP/2.0
                From: <sip:alice@example.com>;tag=1
                To: <sip:alice@example.com>
                Call-ID: gw-1
                CSeq: 3 REGISTER
                Contact: %s
                """.formatted(contact)).from("198.51.100.7", 40000, "UDP");
    }

    @Test
    public void theContactIsMasqueradedAndTheRegisterRelayedToTheBackendUnsaved() throws Exception {
        StepRun r = StepRun.of(register("<sip:alice@10.0.0.1:5062;transport=tcp;pn-provider=fcm;pn-prid=tok;pn-param=proj>;expires=600"), step);
        assertTrue(r.exchange.isProxied());
        assertEquals("relayed to the Request-URI, along the backend route", List.of("sip:example.com"), r.proxy().targets());
        String relayed = r.proxy().branches().get(0).request().getHeader("Contact");
        assertEquals("<sip:alice@192.0.2.1:5060;CtRt" + KEY + "=10.0.0.1:5062%3Btransport%3Dtcp;doroute>;expires=600", relayed);
        assertTrue(r.proxy().branches().get(0).routes().get(0).contains("10.1.1.1:5070"));
        assertTrue("nothing saved before the backend's 200", store.current("sip:alice@example.com").isEmpty());
    }

    @Test
    public void onTheBackends200TheBindingIsSavedAndTheDeviceSeesItsOwnContact() throws Exception {
        TestRequest req = register("<sip:alice@10.0.0.1:5062;pn-provider=fcm;pn-prid=tok;pn-param=proj>;expires=600");
        StepRun r = StepRun.of(req, step);
        String masqueraded = r.proxy().branches().get(0).request().getHeader("Contact");
        TestResponse ok = (TestResponse) req.createResponse(200);
        ok.addHeader("Contact", masqueraded.replace(";expires=600", ";expires=300"));
        step.onResponse(ok);
        List<BindingRecord> saved = store.current("sip:alice@example.com");
        assertEquals(1, saved.size());
        assertEquals("sip:alice@10.0.0.1:5062;pn-provider=fcm;pn-prid=tok;pn-param=proj", saved.get(0).contactUri());
        assertEquals("the backend's grant, not the asked 600", now.get() + 300_000, saved.get(0).expiresAt());
        assertEquals(List.of("<sip:alice@10.0.0.1:5062;pn-provider=fcm;pn-prid=tok;pn-param=proj>;expires=300"), ok.headers("Contact"));
        assertEquals(List.of("*;+sip.pns=\"fcm\""), ok.headers("Feature-Caps"));
        assertEquals("waiting calls hear of the device", List.of(saved), woken);
    }

    @Test
    public void aChallengeFromTheBackendSavesNothing() throws Exception {
        TestRequest req = register("<sip:alice@10.0.0.1:5062>");
        StepRun.of(req, step);
        step.onResponse((TestResponse) req.createResponse(401));
        assertTrue(store.current("sip:alice@example.com").isEmpty());
    }

    @Test
    public void loopsAndBadPushParametersAreRefusedBeforeAnythingIsRelayed() throws Exception {
        StepRun ours = StepRun.of(register("<sip:alice@192.0.2.1;CtRt" + KEY + "=10.0.0.1;doroute>"), step);
        assertEquals(482, ours.status());
        StepRun unknownProvider = StepRun.of(register("<sip:alice@10.0.0.1;pn-provider=carrier-pigeon;pn-prid=x>"), step);
        assertEquals(555, unknownProvider.status());
        assertFalse(unknownProvider.exchange.isProxied());
        StepRun tel = StepRun.of(register("<tel:+15551234>"), step);
        assertEquals(416, tel.status());
    }
}
