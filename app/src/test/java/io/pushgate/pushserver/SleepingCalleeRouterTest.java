package io.pushgate.pushserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.heldcall.HeldCall;
import io.pushgate.heldcall.HeldCallSettings;
import io.pushgate.heldcall.HeldCalls;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.routing.RouterSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.SipText;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import io.pushgate.testing.TestResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Which calls the registrar sends to the push application server, and what its answers make it forget. */
public class SleepingCalleeRouterTest {
    private static final String DEVICE = "sip:alice@10.0.0.1:5060;pn-provider=fcm;pn-prid=tok;pn-param=proj";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LocalDomain domain = new LocalDomain(List.of("example.com"));
    private Database db;
    private BindingStore bindings;
    private PushDevices devices;
    private SubscriberDirectory subscribers;
    private SleepingCalleeRouter step;
    private HeldCalls held;

    @Before
    public void open() throws Exception {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:sleeping" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class, PushDevice.class, Subscriber.class, HeldCall.class));
        bindings = new BindingStore(db, now::get);
        held = new HeldCalls(new HeldCallSettings(true, 10), db, r -> { }, now::get);
        devices = new PushDevices(db, now::get);
        bindings.addListener(devices);
        subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        subscribers.add("alice", "a");
        subscribers.add("bob", "b");
        step = new SleepingCalleeRouter(domain, subscribers, bindings, devices, new ProxyForwarder(new RouterSettings(true, 30, 5000)),
                SipText.factory(), "sip:192.0.2.50:5080", held, 30);
    }

    @After
    public void close() {
        held.close();
        bindings.close();
        db.close();
    }

    private void registerDevice(int expiresSeconds) {
        String aor = domain.aor("alice");
        bindings.update(aor, List.of(new BindingRecord("dev1", aor, DEVICE, "", null, 0, 1000, now.get() + expiresSeconds * 1000L, "c", 1,
                null, "udp:10.0.0.1:5060", null, null, now.get())), List.of(), false, 10);
    }

    private static TestRequest call(String user) {
        return TestRequest.of("INVITE sip:" + user + "@example.com SIP/2.0\nFrom: <sip:carol@other.net>;tag=1\nTo: <sip:" + user
                + "@example.com>\nCall-ID: sleep-" + System.nanoTime() + "\nCSeq: 1 INVITE\nPush-Device: <sip:forged@evil.example>\n");
    }

    @Test
    public void aCalleeWhoseOnlyDevicesSleepGoesToTheApplicationServerWithThem() throws Exception {
        registerDevice(60);
        now.addAndGet(61_000); // the binding expired: the app sleeps
        StepRun r = StepRun.of(call("alice"), step);
        assertTrue(r.exchange.isProxied());
        assertEquals("the Request-URI stays the callee's", List.of("sip:alice@example.com"), r.proxy().targets());
        assertEquals(List.of("<sip:192.0.2.50:5080;lr>"), r.proxy().branches().get(0).routes());
        assertEquals("only the devices we know, never a caller's", List.of("<" + DEVICE + ">"),
                r.proxy().branches().get(0).request().headers("Push-Device"));
    }

    @Test
    public void aCallSentToTheApplicationServerIsHeldUntilItsFinalAnswer() throws Exception {
        registerDevice(60);
        now.addAndGet(61_000);
        StepRun r = StepRun.of(call("alice"), step);
        held.awaitWrites();
        assertEquals("kept while it waits there", 1, heldRows());
        step.onResponse(((TestResponse) r.request.createResponse(183)).remoteAddress("192.0.2.50"));
        held.awaitWrites();
        assertEquals(1, heldRows());
        step.onResponse(((TestResponse) r.request.createResponse(480)).remoteAddress("192.0.2.50"));
        held.awaitWrites();
        assertEquals("gone with the final answer", 0, heldRows());
    }

    private long heldRows() {
        return db.inTransaction(s -> s.createQuery("select count(h) from HeldCall h", Long.class).getSingleResult());
    }

    @Test
    public void anAwakeCalleeOrOneWithoutPushDevicesIsLeftToLocationRouting() throws Exception {
        registerDevice(60);
        StepRun awake = StepRun.of(call("alice"), step);
        assertTrue(awake.proceeded());
        assertNull("a caller's Push-Device header goes no further", awake.request.getHeader("Push-Device"));
        assertTrue(StepRun.of(call("bob"), step).proceeded());
    }

    @Test
    public void aCallTheApplicationServerHandsBackIsNeverSentThereAgain() throws Exception {
        registerDevice(60);
        now.addAndGet(61_000);
        TestRequest handedBack = TestRequest.of("INVITE sip:alice@example.com SIP/2.0\nFrom: <sip:carol@other.net>;tag=1\n"
                + "To: <sip:alice@example.com>\nCall-ID: back-1\nCSeq: 1 INVITE\nPush-Hand-Back: sleep-1\n");
        StepRun back = StepRun.of(handedBack.from("192.0.2.77", 5060, "UDP"), step);
        assertTrue(back.proceeded());
        assertNull("the marker goes no further", back.request.getHeader("Push-Hand-Back"));
        // from route-to's address but without it (a dispatcher there, which phones' calls come through too): pushed
        assertTrue(StepRun.of(call("alice").from("192.0.2.50", 5080, "UDP"), step).exchange.isProxied());
    }

    @Test
    public void aDeviceTheServerReportsDeadIsForgotten() throws Exception {
        registerDevice(60);
        assertEquals(List.of(DEVICE), devices.of(domain.aor("alice")));
        TestRequest req = call("alice").from("192.0.2.50", 5080, "UDP");
        TestResponse failed = (TestResponse) req.createResponse(480);
        failed.addHeader(SleepingCalleeRouter.DEVICE_GONE_HEADER, "<" + DEVICE + ">");
        step.onResponse(failed.remoteAddress("192.0.2.50"));
        assertTrue(devices.of(domain.aor("alice")).isEmpty());
        assertNull("the header goes no further than the proxy", failed.getHeader(SleepingCalleeRouter.DEVICE_GONE_HEADER));
    }
}
