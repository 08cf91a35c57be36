package io.pushgate.store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the sparse chunks of an embedded H2 file, the work H2's own background writer does.
 * WRITE_DELAY=0 (each commit written before its 200 goes out) turns that writer off: a chunk that
 * kept a single live page then stayed until that page was rewritten, and under a steady REGISTER
 * load the file and the chunks' metadata in the heap grew far past the data (1% live, still rising
 * after 13 minutes: docs/benchmarks.md, the soak).
 */
public final class H2Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);
    /** Chunks less live than this are rewritten (H2's own background writer aims at its AUTO_COMPACT_FILL_RATE, 90, when idle). */
    static final int TARGET_FILL_RATE = 50;
    /** Bytes of live pages moved per pass, so that one pass holds H2's store lock briefly. */
    static final int WRITE_LIMIT = 4 << 20;
    private static final long PERIOD_MS = 1000;

    private final MVStore store;
    private final ScheduledExecutorService timer;

    private H2Housekeeping(MVStore store) {
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pass, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts on an embedded H2 file store written with WRITE_DELAY=0; null for anything else (in memory: no file store). */
    public static H2Housekeeping startIfNeeded(Database db) {
        if (!db.settings().url().startsWith("jdbc:h2:")) return null;
        MVStore store = db.inTransaction(s -> s.doReturningWork(c -> {
            if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) return null; // a client of another process
            MVStore mv = local.getDatabase().getStore() == null ? null : local.getDatabase().getStore().getMvStore();
            return mv != null && mv.getFileStore() != null && mv.getAutoCommitDelay() == 0 ? mv : null;
        }));
        return store == null ? null : new H2Housekeeping(store);
    }

    /** One pass; true when it rewrote something. */
    boolean pass() {
        try {
            return !store.isClosed() && store.compact(TARGET_FILL_RATE, WRITE_LIMIT);
        } catch (RuntimeException e) {
            // the store keeps working without it; the next pass tries again
            log.warn("H2 housekeeping pass failed: {}", e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
