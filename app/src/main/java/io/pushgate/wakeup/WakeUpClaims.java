package io.pushgate.wakeup;

import io.pushgate.store.Database;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server sends a wake-up push when several share a PostgreSQL database: every one of them
 * holds every binding and sets its timers, so that the push is sent even when the server that
 * took the REGISTER has died; the first to insert the push's claim sends it. With H2 (one server)
 * every claim is this server's without a write. Inserts go on a thread of their own, not the
 * timers' thread.
 */
public final class WakeUpClaims implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WakeUpClaims.class);

    private final Database db;
    private final boolean shared;
    private final ExecutorService writer;

    public WakeUpClaims(Database db) {
        this.db = db;
        this.shared = db != null && db.settings().shared();
        this.writer = shared ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wake-up-claims");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Completes with whether this server is the one to send push {@code id} (a binding's expiry and try). */
    public CompletableFuture<Boolean> claim(String id, long expiresAt) {
        if (!shared) return CompletableFuture.completedFuture(true);
        return CompletableFuture.supplyAsync(() -> {
            try {
                db.inTransaction(s -> {
                    s.persist(new WakeUpClaim(id, expiresAt));
                    return null;
                });
                return true;
            } catch (io.pushgate.store.StoreUnavailableException e) {
                // no one can claim it: better two pushes than none
                log.warn("wake-up push {} sent unclaimed, the database is unreachable: {}", id, e.getMessage());
                return true;
            } catch (RuntimeException e) {
                log.debug("wake-up push {} claimed by another server: {}", id, Database.rootMessage(e));
                return false;
            }
        }, writer);
    }

    /** Deletes the claims of bindings that have expired. */
    public void purge(long now) {
        if (!shared) return;
        db.inTransaction(s -> s.createMutationQuery("delete from WakeUpClaim c where c.expiresAt < :now")
                .setParameter("now", now).executeUpdate());
    }

    @Override
    public void close() {
        if (writer != null) writer.shutdownNow();
    }
}
