package io.pushgate.wakeup;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import io.pushgate.push.PushProvider;
import io.pushgate.push.PushService;
import io.pushgate.push.PushSettings;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.trace.CallTrace;
import io.pushgate.trace.CallTraces;
import io.pushgate.trace.TraceSettings;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Wake-up pushes against a real binding store and a push service that records what it is asked. */
public class ExpiryWakeUpTest {
    private static final String AOR = "sip:bob@example.org";

    /** Accepts every push and remembers it. */
    private static final class RecordingProvider implements PushProvider, PushService {
        final List<PushNotification> sent = new CopyOnWriteArrayList<>();
        @Override public boolean serves(PushParams target) { return true; }
        @Override public CompletableFuture<PushOutcome> send(PushNotification n) {
            sent.add(n);
            return CompletableFuture.completedFuture(PushOutcome.accepted("fcm", "id"));
        }
        @Override public void close() {}
        @Override public List<ConfigSection> sections() { return List.of(); }
        @Override public Set<String> providers(Config config) { return Set.of("fcm"); }
        @Override public PushService open(Config config, ExecutorService executor) { return this; }
    }

    private final RecordingProvider fcm = new RecordingProvider();
    private Database db;
    private BindingStore store;
    private PushDispatcher push;
    private ScheduledExecutorService timers;
    private CallTraces traces;
    private ExpiryWakeUp wakeUp;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:wake" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class));
        store = new BindingStore(db, System::currentTimeMillis);
        Config config = Config.parse("[wake-up]\nbefore = 5\nretry = 1\n", List.of(PushSettings.SECTION, WakeUpSettings.SECTION));
        push = new PushDispatcher(config, List.of(fcm));
        timers = Executors.newSingleThreadScheduledExecutor();
        traces = new CallTraces(new TraceSettings(15, 100), System::currentTimeMillis);
        wakeUp = new ExpiryWakeUp(WakeUpSettings.from(config), store, push, timers, traces, new WakeUpClaims(db), System::currentTimeMillis);
    }

    @After
    public void close() {
        wakeUp.close();
        timers.shutdownNow();
        push.close();
        store.close();
        db.close();
    }

    private BindingRecord binding(String id, int expiresSeconds, String headerParams) {
        long now = System.currentTimeMillis();
        return new BindingRecord(id, AOR, "sip:bob@192.0.2.1;pn-provider=fcm;pn-prid=tok-" + id + ";pn-param=proj", headerParams, null, 0,
                1000, now + expiresSeconds * 1000L, "call-" + id, 1, null, "udp:192.0.2.1:5060", null, null, now);
    }

    private long pushesTo(String id) {
        return fcm.sent.stream().filter(n -> n.target().prid().equals("tok-" + id)).count();
    }

    private static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not within 10 s: " + what);
            Thread.sleep(50);
        }
    }

    @Test
    public void aDeviceThatDoesNotComeBackIsPushedAgainUntilItsBindingExpires() throws Exception {
        store.update(AOR, List.of(binding("a", 7, ";+sip.pnsreg")), List.of(), false, 10);
        wakeUp.start();
        await("a first wake-up push about 2 s in", () -> pushesTo("a") == 1);
        assertEquals(PushNotification.Kind.REFRESH, fcm.sent.get(0).kind());
        await("a second one a second later", () -> pushesTo("a") == 2);
        await("the binding's real expiry", () -> store.current(AOR).isEmpty());
        long total = pushesTo("a");
        assertTrue("pushed " + total + " times", total >= 2 && total <= 3);
    }

    @Test
    public void aDeviceThatRegistersAgainIsNoLongerPushedAndItsTraceSaysSo() throws Exception {
        wakeUp.start();
        store.update(AOR, List.of(binding("b", 6, ";+sip.pnsreg"), binding("quiet", 6, "")), List.of(), false, 10);
        await("the wake-up push", () -> pushesTo("b") == 1);
        store.update(AOR, List.of(binding("b", 3600, ";+sip.pnsreg")), List.of(), false, 10);
        CallTrace trace = traces.recent(10).stream().filter(t -> t.callId().startsWith("wake-up-b-")).findFirst().orElseThrow();
        assertTrue(trace.ended());
        assertTrue(CallTrace.text(trace.json()), CallTrace.text(trace.json()).contains("refreshed"));
        Thread.sleep(1500); // the retry would have come by now
        assertEquals(1, pushesTo("b"));
        assertEquals("a device without +sip.pnsreg refreshes by itself", 0, pushesTo("quiet"));
    }
}
