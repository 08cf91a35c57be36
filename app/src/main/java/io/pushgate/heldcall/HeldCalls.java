package io.pushgate.heldcall;

import io.prometheus.metrics.core.metrics.Counter;
import io.pushgate.logging.ThrottledWarning;
import io.pushgate.store.Database;
import io.pushgate.store.SessionLock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.servlet.sip.SipServletRequest;
import javax.sip.message.Request;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this server holds open while a device wakes, kept in the database with the final
 * answer each caller is to get should the server die: a {@code kill -9} ends the container's
 * transactions, and a caller that already had a provisional response no longer retransmits, so
 * without this it would wait in silence until its own timer. At the next start, or at another
 * server on the same PostgreSQL, the rows of a run that is gone are answered statelessly (the
 * answer goes where the request's Via says, and the caller's transaction takes it by its branch).
 * <p>
 * Whether a run is gone is told by an advisory lock each run holds on a session of its own: a
 * lock another server can take belongs to a run that has ended (H2: one server per file, so any
 * other run is an earlier one). Writes go on a thread of their own, off the SIP threads; a call
 * that ends before its row is written is never written.
 */
public final class HeldCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeldCalls.class);
    static final Counter RECOVERED = Counter.builder().withoutExemplars().name("pushgate_held_calls_recovered")
            .help("Calls held by a run that is gone, by what became of them (answered: the caller got 480; expired: the caller had given up; failed: the answer could not be sent).")
            .labelNames("outcome").register();
    /** A caller gives up on an INVITE after Timer C (3 min) at the latest; rows are kept that long past the hold. */
    static final long CALLER_PATIENCE_MS = 180_000;

    /** Sends a whole response message statelessly (the container's SIP stack). */
    public interface Responder {
        void send(String response) throws Exception;
    }

    private final HeldCallSettings settings;
    private final Database db;
    private final Responder responder;
    private final LongSupplier clock;
    /** The database being down must not flood the log. */
    private final ThrottledWarning warnings;
    private final String node = UUID.randomUUID().toString();
    private final SessionLock nodeLock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "held-calls");
        t.setDaemon(true);
        return t;
    });

    public HeldCalls(HeldCallSettings settings, Database db, Responder responder, LongSupplier clock) {
        this.settings = settings;
        this.db = db;
        this.responder = responder;
        this.clock = clock;
        this.warnings = new ThrottledWarning(log, clock);
        this.nodeLock = settings.enabled() ? new SessionLock(db.settings(), "node " + node) : null;
    }

    /** Keeps nothing (steps tested without a database). */
    public static HeldCalls off() {
        return new HeldCalls(new HeldCallSettings(false, 10), null, r -> { }, System::currentTimeMillis);
    }

    /**
     * Takes this run's lock and answers the calls of runs that are gone: once now, then every
     * sweep-interval where several servers share the database.
     */
    public void start() {
        if (!settings.enabled()) return;
        worker.execute(() -> {
            if (!nodeLock.held()) log.warn("could not take this server's liveness lock; its held calls may be answered by another server");
            sweep();
        });
        if (db.settings().shared()) {
            worker.scheduleWithFixedDelay(this::sweep, settings.sweepSeconds(), settings.sweepSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * Keeps a call held for up to {@code holdSeconds}; {@code answer} is the final response its
     * caller gets if this run dies meanwhile ({@link FinalAnswer}). Release the ticket when the
     * call stops waiting, however it ends.
     */
    public Ticket hold(String callId, String aor, String answer, int holdSeconds) {
        Ticket t = new Ticket();
        if (!settings.enabled()) return t;
        HeldCall row = new HeldCall(UUID.randomUUID().toString(), node, callId, aor,
                clock.getAsLong() + holdSeconds * 1000L + CALLER_PATIENCE_MS, answer);
        submit(() -> {
            if (t.released) return;
            db.inTransaction(s -> {
                s.persist(row);
                return null;
            });
            t.rowId = row.id();
        });
        return t;
    }

    /**
     * The same for an INVITE of the container, answered 480 with {@code reason}; {@code toTag} is
     * that of the provisional responses sent (null: none carried one).
     */
    public Ticket hold(SipServletRequest invite, String aor, String toTag, String reason, int holdSeconds) {
        if (!settings.enabled()) return new Ticket();
        Request request = (Request) ((MobicentsSipServletMessage) invite).getMessage();
        return hold(invite.getCallId(), aor, FinalAnswer.unavailable(request, toTag, reason), holdSeconds);
    }

    /** One held call's row. */
    public final class Ticket {
        private volatile boolean released;
        private String rowId;

        /** The call no longer waits: its row goes (or is never written). */
        public void release() {
            if (released) return;
            released = true;
            submit(() -> {
                if (rowId != null) delete(rowId);
            });
        }
    }

    /**
     * Answers the calls of every run that is gone and deletes their rows; also deletes rows of any
     * run whose caller has given up (a call that ended without its release being written).
     * Returns how many callers were answered.
     */
    int sweep() {
        try {
            long now = clock.getAsLong();
            List<HeldCall> others = db.inTransaction(s -> s.createQuery("from HeldCall h where h.node <> :me", HeldCall.class)
                    .setParameter("me", node).getResultList());
            Map<String, List<HeldCall>> byNode = new LinkedHashMap<>();
            for (HeldCall h : others) byNode.computeIfAbsent(h.node(), k -> new ArrayList<>()).add(h);
            int answered = 0;
            for (Map.Entry<String, List<HeldCall>> e : byNode.entrySet()) {
                try (SessionLock theirs = new SessionLock(db.settings(), "node " + e.getKey())) {
                    if (theirs.held()) answered += answer(e.getKey(), e.getValue(), now);
                }
            }
            int stale = db.inTransaction(s -> s.createMutationQuery("delete from HeldCall h where h.heldUntil < :now")
                    .setParameter("now", now).executeUpdate());
            if (stale > 0) log.info("{} held calls past their callers' patience deleted", stale);
            return answered;
        } catch (RuntimeException e) {
            warnings.warn("held calls of other runs not looked at: " + Database.rootMessage(e));
            return 0;
        }
    }

    private int answer(String goneNode, List<HeldCall> calls, long now) {
        int answered = 0;
        for (HeldCall h : calls) {
            String outcome = "expired";
            if (h.heldUntil() > now) {
                try {
                    responder.send(h.answer());
                    outcome = "answered";
                    answered++;
                } catch (Exception ex) {
                    outcome = "failed";
                    log.warn("call {} for {}, held by a run that is gone: final answer not sent: {}", h.callId(), h.aor(), ex.toString());
                }
            }
            RECOVERED.labelValues(outcome).inc();
            delete(h.id());
        }
        if (answered > 0) log.info("{} calls held by run {} (gone) answered 480", answered, goneNode);
        return answered;
    }

    private void delete(String rowId) {
        db.inTransaction(s -> s.createMutationQuery("delete from HeldCall h where h.id = :id").setParameter("id", rowId).executeUpdate());
    }

    private void submit(Runnable write) {
        try {
            worker.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    warnings.warn("held call not written, a crash now would leave its caller without an answer: " + Database.rootMessage(e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the server is stopping; the row stays for the next start to answer
        }
    }

    /** Waits until what was submitted so far is written (tests). */
    public void awaitWrites() throws Exception {
        worker.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Lets pending writes land, then gives up this run's lock (its rows stay for the next start). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (nodeLock != null) nodeLock.close();
    }
}
