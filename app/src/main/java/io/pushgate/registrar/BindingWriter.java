package io.pushgate.registrar;

import io.pushgate.store.Database;
import io.pushgate.store.PeerNotices;
import io.pushgate.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for binding changes: the changes of all REGISTERs waiting at the same moment are
 * written in one transaction, and each REGISTER is answered only after its change is committed.
 * One commit per request would cap the registrar at the database's commit rate.
 */
final class BindingWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BindingWriter.class);
    private static final int MAX_BATCH = 256;

    /** One AOR's change: rows to insert or update, ids to delete. */
    record Change(String aor, List<BindingRecord> stored, List<String> removed, List<String> existingIds, CompletableFuture<Void> done) {}

    private final Database db;
    private final PeerNotices notices;
    private final long waitMs;
    /** How long a first change waits for others to share its commit ([database] commit-window-us). */
    private final long windowNanos;
    private final BlockingQueue<Change> queue = new ArrayBlockingQueue<>(10_000);
    private final Thread thread;
    private volatile boolean running = true;

    BindingWriter(Database db, PeerNotices notices, long waitMs, int windowMicros) {
        this.db = db;
        this.notices = notices;
        this.waitMs = waitMs;
        this.windowNanos = windowMicros * 1000L;
        this.thread = new Thread(this::loop, "pushgate-binding-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocks until the change is committed; StoreUnavailableException when it could not be. */
    void write(String aor, List<BindingRecord> stored, List<String> removed, List<String> existingIds) {
        Change c = new Change(aor, stored, removed, existingIds, new CompletableFuture<>());
        try {
            if (!queue.offer(c, waitMs, TimeUnit.MILLISECONDS)) throw new StoreUnavailableException("binding writer overloaded", null);
            c.done.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing bindings", e);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("binding write not committed within " + waitMs + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new StoreUnavailableException("binding write failed", e.getCause());
        }
    }

    private void loop() {
        List<Change> batch = new ArrayList<>();
        while (running) {
            try {
                Change first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                // one sleep, not a wake-up per arriving change: those would cost what the window saves
                if (windowNanos > 0) LockSupport.parkNanos(windowNanos);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Change> batch) {
        try {
            db.inStatelessTransaction(s -> {
                for (Change c : batch) {
                    for (String id : c.removed()) {
                        s.createMutationQuery("delete from BindingRecord where id = :id").setParameter("id", id).executeUpdate();
                    }
                    for (BindingRecord b : c.stored()) {
                        // Another server on the database may have written this AOR since memory
                        // last heard of it: insert-or-update there, whatever memory believes.
                        if (notices.active()) s.upsert(b);
                        else if (c.existingIds().contains(b.id())) s.update(b);
                        else s.insert(b);
                    }
                }
                notices.send(s, BindingStore.TOPIC, batch.stream().map(Change::aor).toList());
                return null;
            });
            for (Change c : batch) c.done().complete(null);
        } catch (RuntimeException e) {
            if (batch.size() > 1 && !(e instanceof StoreUnavailableException)) {
                // one bad change must not fail the others: retry them one by one
                for (Change c : batch) commit(List.of(c));
                return;
            }
            log.warn("binding write failed: {}", e.getMessage());
            for (Change c : batch) c.done().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
