package io.pushgate.pushserver;

import static org.junit.Assert.assertEquals;

import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Push devices outlive their bindings, go with an explicit unregister, and age out. */
public class PushDevicesTest {
    private static final String AOR = "sip:bob@example.org";
    private static final String PUSH = "sip:bob@192.0.2.1;pn-provider=fcm;pn-prid=tok;pn-param=proj";
    private final AtomicLong now = new AtomicLong(1_000_000);
    private String url;
    private Database db;
    private BindingStore store;
    private PushDevices devices;

    @Before
    public void open() {
        url = "jdbc:h2:mem:devices" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        db = new Database(new DatabaseSettings(url, "sa", "", 2, 2000, 10), List.of(PushDevice.class, BindingRecord.class));
        store = new BindingStore(db, now::get);
        devices = new PushDevices(db, now::get);
        store.addListener(devices);
    }

    @After
    public void close() {
        store.close();
        db.close();
    }

    private BindingRecord binding(String id, String uri, int seconds) {
        return new BindingRecord(id, AOR, uri, "", null, 0, 1000, now.get() + seconds * 1000L, "c", 1, null, "udp:192.0.2.1:5060",
                null, null, now.get());
    }

    @Test
    public void aDeviceWithPushParametersOutlivesItsBindingAndIsReloaded() {
        store.update(AOR, List.of(binding("a", PUSH, 2), binding("b", "sip:bob@192.0.2.2", 60)), List.of(), false, 10);
        now.addAndGet(5000);
        store.purgeExpired();
        assertEquals(List.of(PUSH), devices.of(AOR));
        assertEquals("kept in the database", List.of(PUSH), new PushDevices(db, now::get).of(AOR));
    }

    @Test
    public void aUserKeepsAtMostTheNewestDevicesUpToTheCap() {
        PushDevices capped = new PushDevices(db, now::get, 2);
        store.addListener(capped);
        for (String id : List.of("a", "b", "c")) {
            store.update(AOR, List.of(binding(id, PUSH.replace("pn-prid=", "pn-prid=" + id), 60)), List.of(), false, 10);
            now.addAndGet(1000);
        }
        assertEquals("the one seen least recently went", 2, capped.byId(AOR).size());
        assertEquals(java.util.Set.of("b", "c"), capped.byId(AOR).keySet());
        assertEquals("from the database too", java.util.Set.of("b", "c"), new PushDevices(db, now::get, 2).byId(AOR).keySet());
    }

    @Test
    public void unusablePushParametersAreNotADevice() {
        store.update(AOR, List.of(binding("a", "sip:bob@192.0.2.1;pn-provider=fcm;pn-param=proj", 60)), List.of(), false, 10);
        assertEquals(List.of(), devices.of(AOR));
    }

    @Test
    public void unregisteringForgetsTheDevice() {
        store.update(AOR, List.of(binding("a", PUSH, 60)), List.of(), false, 10);
        store.update(AOR, List.of(), List.of("a"), false, 10);
        assertEquals(List.of(), devices.of(AOR));
        assertEquals(List.of(), new PushDevices(db, now::get).of(AOR));
    }

    @Test
    public void devicesNotSeenForTheTtlAreForgotten() {
        store.update(AOR, List.of(binding("a", PUSH, 60)), List.of(), false, 10);
        now.addAndGet(10 * 86_400_000L);
        assertEquals(0, devices.purgeOlderThan(30 * 86_400_000L));
        assertEquals(1, devices.purgeOlderThan(5 * 86_400_000L));
        assertEquals(List.of(), devices.of(AOR));
    }

    @Test
    public void anotherServersChangesAreReadBackForTheUsersItNames() {
        PushDevices other = new PushDevices(db, now::get); // a second server on the same database
        store.update(AOR, List.of(binding("a", PUSH, 60)), List.of(), false, 10);
        assertEquals("not told yet", List.of(), other.of(AOR));
        other.reload(java.util.Set.of(AOR));
        assertEquals(List.of(PUSH), other.of(AOR));
        assertEquals(true, other.forget(AOR, PUSH)); // e.g. its push service said the token is dead
        devices.reload(java.util.Set.of(AOR, "sip:nobody@example.org"));
        assertEquals(List.of(), devices.of(AOR));
    }
}
