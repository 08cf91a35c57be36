package io.pushgate.registrar;

import static org.junit.Assert.assertEquals;

import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Every committed change of an AOR's bindings is told to listeners with its RFC 3680 event. */
public class BindingStoreEventsTest {
    private static final String AOR = "sip:bob@example.org";
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> seen = new ArrayList<>();
    private Database db;
    private BindingStore store;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:events" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                java.util.List.of(BindingRecord.class));
        store = new BindingStore(db, now::get);
        store.addListener((aor, changes) -> changes.forEach(c -> seen.add(c.binding().id() + ":" + c.event().xmlName())));
    }

    @After
    public void close() {
        store.close();
        db.close();
    }

    private BindingRecord binding(String id, int expiresSeconds) {
        return binding(id, expiresSeconds, "udp:192.0.2.1:5060");
    }

    private BindingRecord binding(String id, int expiresSeconds, String source) {
        return new BindingRecord(id, AOR, "sip:bob@192.0.2.1;x=" + id, "", null, 0, 1000, now.get() + expiresSeconds * 1000L,
                "call-" + id, 1, null, source, null, null, now.get());
    }

    @Test
    public void aClosedConnectionDeactivatesOnlyTheBindingsMadeOverIt() {
        store.update(AOR, List.of(binding("a", 60, "ws:192.0.2.9:40001"), binding("b", 60, "ws:192.0.2.9:40002")), List.of(), false, 10);
        seen.clear();
        assertEquals(1, store.dropSource("ws:192.0.2.9:40001"));
        assertEquals(List.of("a:deactivated"), seen);
        assertEquals(List.of("b"), store.current(AOR).stream().map(BindingRecord::id).toList());
        assertEquals(0, store.dropSource("ws:192.0.2.9:40001"));
    }

    @Test
    public void registerRefreshUnregister() {
        store.update(AOR, List.of(binding("a", 60)), List.of(), false, 10);
        now.addAndGet(1000);
        store.update(AOR, List.of(binding("a", 60)), List.of(), false, 10);
        store.update(AOR, List.of(), List.of("a"), false, 10);
        assertEquals(List.of("a:registered", "a:refreshed", "a:unregistered"), seen);
    }

    @Test
    public void beyondMaxContactsTheOldestIsDeactivated() {
        store.update(AOR, List.of(binding("a", 60)), List.of(), false, 1);
        now.addAndGet(1000);
        store.update(AOR, List.of(binding("b", 60)), List.of(), false, 1);
        assertEquals(List.of("a:registered", "b:registered", "a:deactivated"), seen);
    }

    @Test
    public void expiryIsToldByThePurgeOrByTheNextUpdate() {
        store.update(AOR, List.of(binding("a", 1), binding("b", 5)), List.of(), false, 10);
        now.addAndGet(2000);
        store.purgeExpired();
        now.addAndGet(5000);
        store.update(AOR, List.of(binding("c", 60)), List.of(), false, 10);
        assertEquals(List.of("a:registered", "b:registered", "a:expired", "b:expired", "c:registered"), seen);
    }

    @Test
    public void wildcardRemovalUnregistersEveryBinding() {
        store.update(AOR, List.of(binding("a", 60), binding("b", 60)), List.of(), false, 10);
        seen.clear();
        store.update(AOR, List.of(), List.of(), true, 10);
        assertEquals(List.of("a:unregistered", "b:unregistered"), seen);
    }

    @Test
    public void whatAnotherServerWroteIsReloadedAndToldToPeerListenersOnly() {
        BindingStore other = new BindingStore(db, now::get); // a second server on the same database
        List<String> heardFromPeers = new ArrayList<>();
        store.addPeerListener((aor, changes) -> changes.forEach(c -> heardFromPeers.add(c.binding().id() + ":" + c.event().xmlName())));
        try {
            store.update(AOR, List.of(binding("z", 60)), List.of(), false, 10); // this server's own change
            assertEquals(List.of(), heardFromPeers);
            store.update(AOR, List.of(), List.of("z"), false, 10);
            seen.clear();
            other.update(AOR, List.of(binding("a", 60), binding("b", 60)), List.of(), false, 10);
            store.reload(List.of(AOR));
            now.addAndGet(1000);
            other.update(AOR, List.of(binding("a", 60)), List.of("b"), false, 10);
            store.reload(List.of(AOR, "sip:nobody@example.org"));
            store.reload(List.of(AOR)); // nothing changed since: nothing told
            assertEquals(List.of("a:registered", "b:registered", "a:refreshed", "b:unregistered"), heardFromPeers);
            assertEquals("what acts once per change hears this server's own changes only", List.of(), seen);
            assertEquals(List.of("a"), store.current(AOR).stream().map(BindingRecord::id).toList());
            other.update(AOR, List.of(), List.of(), true, 10);
            store.reloadAll();
            assertEquals(List.of(), store.current(AOR));
            assertEquals(0, store.aorCount());
        } finally {
            other.close();
        }
    }

    @Test
    public void rowsReadBeforeALocalWriteDoNotReplaceIt() {
        BindingStore other = new BindingStore(db, now::get);
        try {
            other.update(AOR, List.of(binding("a", 60)), List.of(), false, 10);
            List<String> aors = List.of(AOR);
            int[] before = store.localWrites(aors);
            var staleRows = store.read(aors); // another server's notice: its rows are read...
            now.addAndGet(1000);
            store.update(AOR, List.of(binding("b", 60)), List.of(), false, 10); // ...while this server writes the AOR
            store.apply(aors, staleRows, before);
            assertEquals(List.of("a", "b"), store.current(AOR).stream().map(BindingRecord::id).sorted().toList());
        } finally {
            other.close();
        }
    }
}
