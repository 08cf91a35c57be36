package io.pushgate.registrar;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import io.pushgate.testing.TestResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The registrar step's answers, with its bindings in an in-memory database. */
public class RegistrarTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Database db;
    private BindingStore store;
    private Registrar registrar;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:registrar" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class, Subscriber.class));
        SubscriberDirectory subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        subscribers.add("alice", "secret");
        store = new BindingStore(db, now::get);
        registrar = new Registrar(new RegistrarSettings(60, 3600, 600, 2, true, 30), new LocalDomain(List.of("example.com")),
                subscribers, store, now::get);
    }

    @After
    public void close() {
        store.close();
        db.close();
    }

    private StepRun register(String user, String callId, int cseq, String contacts, String more) throws Exception {
        return StepRun.of(TestRequest.of("REGISTER sip:example.com SIP/2.0\n"
                + "From: <sip:" + user + "@example.com>;tag=1\nTo: <sip:" + user + "@example.com>\n"
                + "Call-ID: " + callId + "\nCSeq: " + cseq + " REGISTER\n"
                + (contacts == null ? "" : "Contact: " + contacts + "\n") + more), registrar);
    }

    @Test
    public void otherMethodsPassOn() throws Exception {
        assertTrue(StepRun.of(TestRequest.of("""
                INVITE sip:alice@example.com SIP/2.0
                From: <sip:bob@example.com>;tag=1
                To: <sip:alice@example.com>
                Call-ID: i
                CSeq: 1 INVITE
                """), registrar).proceeded());
    }

    @Test
    public void aRegistrationIsStoredAndListedWithItsRemainingExpiry() throws Exception {
        StepRun r = register("alice", "c1", 1, "<sip:alice@10.0.0.1:5060>;expires=120", "");
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@10.0.0.1:5060>;expires=120"), r.response().headers("Contact"));
        List<BindingRecord> stored = store.current("sip:alice@example.com");
        assertEquals(1, stored.size());
        assertEquals(now.get() + 120_000, stored.get(0).expiresAt());
    }

    @Test
    public void aRefreshKeepsOneBindingWithTheNewExpiry() throws Exception {
        register("alice", "c1", 1, "<sip:alice@10.0.0.1:5060>;expires=120", "");
        now.addAndGet(60_000);
        assertEquals(200, register("alice", "c1", 2, "<sip:alice@10.0.0.1:5060>;expires=300", "").status());
        List<BindingRecord> stored = store.current("sip:alice@example.com");
        assertEquals(1, stored.size());
        assertEquals(now.get() + 300_000, stored.get(0).expiresAt());
    }

    @Test
    public void anOutOfOrderRefreshIs500AndChangesNothing() throws Exception {
        register("alice", "c1", 5, "<sip:alice@10.0.0.1:5060>;expires=120", "");
        assertEquals(500, register("alice", "c1", 5, "<sip:alice@10.0.0.1:5060>;expires=0", "").status());
        assertEquals(1, store.current("sip:alice@example.com").size());
    }

    @Test
    public void expiresZeroAndTheWildcardRemove() throws Exception {
        register("alice", "c1", 1, "<sip:alice@10.0.0.1>, <sip:alice@10.0.0.2>", "");
        assertEquals(2, store.current("sip:alice@example.com").size());
        assertEquals(200, register("alice", "c1", 2, "<sip:alice@10.0.0.1>;expires=0", "").status());
        assertEquals(1, store.current("sip:alice@example.com").size());
        assertEquals(400, register("alice", "c1", 3, "*", "").status());
        assertEquals(200, register("alice", "c1", 4, "*", "Expires: 0\n").status());
        assertTrue(store.current("sip:alice@example.com").isEmpty());
    }

    @Test
    public void tooBriefGets423WithMinExpiresAndStoresNothing() throws Exception {
        StepRun r = register("alice", "c1", 1, "<sip:alice@10.0.0.1>;expires=10", "");
        assertEquals(423, r.status());
        assertEquals("60", r.response().getHeader("Min-Expires"));
        assertTrue(store.current("sip:alice@example.com").isEmpty());
    }

    @Test
    public void beyondMaxContactsTheLeastRecentlyRefreshedGoes() throws Exception {
        register("alice", "c1", 1, "<sip:alice@10.0.0.1>", "");
        now.addAndGet(1000);
        register("alice", "c2", 1, "<sip:alice@10.0.0.2>", "");
        now.addAndGet(1000);
        register("alice", "c3", 1, "<sip:alice@10.0.0.3>", "");
        assertEquals(List.of("sip:alice@10.0.0.3", "sip:alice@10.0.0.2"),
                store.current("sip:alice@example.com").stream().map(BindingRecord::contactUri).toList());
    }

    @Test
    public void theOkRepeatsThePathInOrder() throws Exception {
        TestResponse ok = register("alice", "c1", 1, "<sip:alice@10.0.0.1>",
                "Path: <sip:p1.example.com;lr>\nPath: <sip:p2.example.com;lr>\n").response();
        assertEquals(List.of("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"), ok.headers("Path"));
    }

    @Test
    public void foreignDomainsUnknownUsersAndForeignToAreRefused() throws Exception {
        assertEquals(404, register("nobody", "c1", 1, "<sip:x@10.0.0.1>", "").status());
        assertEquals(403, StepRun.of(TestRequest.of("""
                REGISTER sip:other.net SIP/2.0
                From: <sip:alice@other.net>;tag=1
                To: <sip:alice@other.net>
                Call-ID: f
                CSeq: 1 REGISTER
                """), registrar).status());
        StepRun foreignTo = StepRun.of(TestRequest.of("""
                REGISTER sip:example.com SIP/2.0
                From: <sip:alice@example.com>;tag=1
                To: <sip:alice@other.net>
                Call-ID: f2
                CSeq: 1 REGISTER
                """), registrar);
        assertEquals(403, foreignTo.status());
        assertFalse(foreignTo.proceeded());
    }
}
