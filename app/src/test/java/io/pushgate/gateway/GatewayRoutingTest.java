package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.routing.RouterSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.testing.SipText;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The gateway's routing decisions: what comes from the backend for a device, and what goes to the backend. */
public class GatewayRoutingTest {
    private static final String KEY = "k3y0";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ContactMasquerader masquerader = new ContactMasquerader(KEY);
    private final ProxyForwarder forwarder = new ProxyForwarder(new RouterSettings(true, 30, 5000));
    private final GatewaySettings settings = new GatewaySettings("10.1.1.1:5070", List.of(), List.of("*"),
            GatewaySettings.Mode.MASQUERADE, false, "", 100, 32, List.of());
    private final LocalDomain self = new LocalDomain(List.of("localhost"));
    private ScheduledExecutorService timers;
    private Database db;
    private BindingStore store;
    private ForkLateRouter forkLate;

    @Before
    public void open() throws Exception {
        self.addListeningAddress("192.0.2.1", 5060);
        timers = Executors.newSingleThreadScheduledExecutor();
        db = new Database(new DatabaseSettings("jdbc:h2:mem:gwroute" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class, StoredMessage.class));
        store = new BindingStore(db, now::get);
        BindingTarget targets = new BindingTarget(SipText.factory(), forwarder);
        forkLate = new ForkLateRouter(settings, new ForkSettings(200, 30, 10, 3600), masquerader, store, targets, null, timers,
                new MessageRelay(db, new io.pushgate.store.PeerNotices(db.settings()), SipText.factory(), targets, null, 3600, now::get),
                new io.pushgate.trace.CallTraces(new io.pushgate.trace.TraceSettings(15, 100), now::get), io.pushgate.heldcall.HeldCalls.off());
    }

    @After
    public void close() {
        timers.shutdownNow();
        store.close();
        db.close();
    }

    private TestRequest fromBackend(String method, String ruri) {
        return TestRequest.of(method + " " + ruri + " SIP/2.0\nFrom: <sip:carol@example.com>;tag=1\nTo: <sip:alice@example.com>\n"
                + "Call-ID: gw-" + System.nanoTime() + "\nCSeq: 1 " + method + "\n").from("10.1.1.1", 5070, "UDP");
    }

    private void bind(String contact) {
        String aor = "sip:alice@example.com";
        store.update(aor, List.of(new BindingRecord(contact, aor, contact, "", null, 0, 1000, now.get() + 60_000, "c", 1,
                null, "udp:10.0.0.1:5062", null, null, now.get())), List.of(), false, 10);
    }

    @Test
    public void aRequestWithoutOurMarkerIsNotForADevice() throws Exception {
        assertTrue(StepRun.of(fromBackend("OPTIONS", "sip:alice@example.com"), forkLate).proceeded());
    }

    @Test
    public void aMarkedRequestForADeviceTheGatewayHasNoBindingForIs480() throws Exception {
        String masqueraded = masquerader.masquerade("alice", new ContactMasquerader.Origin("10.0.0.1", 5062, null), "192.0.2.1:5060");
        assertEquals(480, StepRun.of(fromBackend("OPTIONS", masqueraded), forkLate).status());
    }

    @Test
    public void aMarkedNonInviteGoesToTheDeviceWhoseAddressItRecords() throws Exception {
        bind("sip:alice@10.0.0.1:5062;pn-provider=fcm;pn-prid=t;pn-param=p");
        bind("sip:alice@10.0.0.9:5062");
        String masqueraded = masquerader.masquerade("alice", new ContactMasquerader.Origin("10.0.0.1", 5062, null), "192.0.2.1:5060");
        StepRun r = StepRun.of(fromBackend("OPTIONS", masqueraded), forkLate);
        assertEquals(List.of("sip:alice@10.0.0.1:5062;pn-provider=fcm;pn-prid=t;pn-param=p;transport=udp"), r.proxy().targets());
    }

    @Test
    public void whatDevicesSendOtherwiseGoesToTheBackendAndNeverBackToTheGateway() throws Exception {
        BackendForwarder toBackend = new BackendForwarder(settings, self, SipText.factory(), forwarder);
        TestRequest call = TestRequest.of("INVITE sip:carol@example.com SIP/2.0\nFrom: <sip:alice@example.com>;tag=1\n"
                + "To: <sip:carol@example.com>\nCall-ID: out\nCSeq: 1 INVITE\n");
        StepRun r = StepRun.of(call, toBackend);
        assertEquals(List.of("sip:carol@example.com"), r.proxy().targets());
        assertEquals(List.of("<sip:10.1.1.1:5070;lr>"), r.proxy().branches().get(0).routes());

        GatewaySettings loop = new GatewaySettings("192.0.2.1:5060", List.of(), List.of("*"), GatewaySettings.Mode.MASQUERADE, false, "", 100, 32, List.of());
        assertEquals(482, StepRun.of(TestRequest.of("INVITE sip:carol@example.com SIP/2.0\nFrom: <sip:alice@example.com>;tag=1\n"
                + "To: <sip:carol@example.com>\nCall-ID: loop\nCSeq: 1 INVITE\n"), new BackendForwarder(loop, self, SipText.factory(), forwarder)).status());
    }
}
