package io.pushgate.heldcall;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.testing.TestRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Response;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class HeldCallsTest {
    private static final String INVITE = """
            INVITE sip:bob@gw.example.org;pn-prid=secret-token SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-caller-1;rport=5070;received=192.0.2.7
            From: <sip:alice@example.org>;tag=a1
            To: <sip:bob@example.org>
            Call-ID: held-1@example.org
            CSeq: 7 INVITE
            Contact: <sip:alice@192.0.2.7:5070>
            """;

    private Database db;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> sent = new ArrayList<>();
    private final List<HeldCalls> runs = new ArrayList<>();

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:held" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(HeldCall.class));
    }

    @After
    public void close() {
        runs.forEach(HeldCalls::close);
        db.close();
    }

    private HeldCalls run(boolean enabled) {
        HeldCalls h = new HeldCalls(new HeldCallSettings(enabled, 10), db, sent::add, now::get);
        runs.add(h);
        return h;
    }

    private long rows() {
        return db.inTransaction(s -> s.createQuery("select count(h) from HeldCall h", Long.class).getSingleResult());
    }

    @Test
    public void aReleasedCallLeavesNoRow() throws Exception {
        HeldCalls first = run(true);
        HeldCalls.Ticket t = first.hold(TestRequest.of(INVITE), "sip:bob@example.org", null, "restarted", 60);
        first.awaitWrites();
        assertEquals(1, rows());
        t.release();
        first.awaitWrites();
        assertEquals(0, rows());
    }

    @Test
    public void theCallsOfARunThatIsGoneAreAnsweredOnceWithTheirOwnTransactionsAnswer() throws Exception {
        HeldCalls crashed = run(true);
        crashed.hold(TestRequest.of(INVITE), "sip:bob@example.org", "t0-183", "restarted while waking", 60);
        crashed.awaitWrites();

        HeldCalls next = run(true);
        assertEquals("its own calls are not another run's", 0, crashed.sweep());
        assertEquals(1, next.sweep());
        assertEquals(0, rows());
        assertEquals("answered once", 0, next.sweep());

        assertEquals(1, sent.size());
        Response r = ((gov.nist.javax.sip.message.MessageFactoryImpl) javax.sip.SipFactory.getInstance().createMessageFactory())
                .createResponse(sent.get(0));
        assertEquals(480, r.getStatusCode());
        assertEquals("z9hG4bK-caller-1", ((ViaHeader) r.getHeader(ViaHeader.NAME)).getBranch());
        assertEquals("192.0.2.7", ((ViaHeader) r.getHeader(ViaHeader.NAME)).getReceived());
        assertEquals("t0-183", ((ToHeader) r.getHeader(ToHeader.NAME)).getTag());
        assertTrue(r.getHeader("Reason").toString().contains("cause=480"));
        assertTrue(r.getHeader("CSeq").toString().contains("7 INVITE"));
        assertTrue("no push token in what is kept", !sent.get(0).contains("secret-token"));
    }

    @Test
    public void aCallWhoseCallerHasGivenUpIsDeletedUnanswered() throws Exception {
        HeldCalls crashed = run(true);
        crashed.hold(TestRequest.of(INVITE), "sip:bob@example.org", null, "restarted", 60);
        crashed.awaitWrites();
        now.addAndGet(60_000 + HeldCalls.CALLER_PATIENCE_MS + 1);
        assertEquals(0, run(true).sweep());
        assertTrue(sent.isEmpty());
        assertEquals(0, rows());
    }

    @Test
    public void aCallThatCouldNotBeAnsweredIsNotTriedForever() throws Exception {
        HeldCalls crashed = run(true);
        crashed.hold(TestRequest.of(INVITE), "sip:bob@example.org", null, "restarted", 60);
        crashed.awaitWrites();
        HeldCalls next = new HeldCalls(new HeldCallSettings(true, 10), db, r -> { throw new java.io.IOException("no route"); }, now::get);
        runs.add(next);
        assertEquals(0, next.sweep());
        assertEquals(0, rows());
    }

    @Test
    public void turnedOffNothingIsWritten() throws Exception {
        HeldCalls off = run(false);
        off.hold(TestRequest.of(INVITE), "sip:bob@example.org", null, "restarted", 60).release();
        off.awaitWrites();
        assertEquals(0, rows());
    }
}
