package io.pushgate.store;

import static org.junit.Assert.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** A table's look-ups are kept until a writer stamps the table, as seen by a reader that checks the stamp. */
public class TableCacheTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger loads = new AtomicInteger();
    private Database db;
    private TableCache<String, String> reader;
    private TableCache<String, String> writer; // another process on the same database, like the CLI

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:tablecache" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10), java.util.List.of());
        reader = new TableCache<>(db, "thing", 100, now::get);
        writer = new TableCache<>(db, "thing", 100, now::get);
    }

    @After
    public void close() {
        db.close();
    }

    private String get(String key) {
        return reader.get(key, k -> k + loads.incrementAndGet()).orElseThrow();
    }

    private void writeElsewhere() {
        db.inTransaction(s -> {
            writer.changed(s);
            return null;
        });
    }

    @Test
    public void aLookUpIsKeptWhileTheTableDoesNotChange() {
        assertEquals("a1", get("a"));
        now.addAndGet(TableCache.CHECK_MS * 10);
        assertEquals("a1", get("a"));
        assertEquals(1, loads.get());
    }

    @Test
    public void aChangeStampedElsewhereIsSeenAtTheNextCheckAndNotBefore() {
        assertEquals("a1", get("a"));
        writeElsewhere();
        now.addAndGet(TableCache.CHECK_MS - 1);
        assertEquals("a1", get("a"));
        now.addAndGet(1);
        assertEquals("a2", get("a"));
    }

    @Test
    public void anUnstampedChangeIsSeenAfterTheTimeToLive() {
        assertEquals("a1", get("a"));
        now.addAndGet(TableCache.TTL_MS + 1);
        assertEquals("a2", get("a"));
    }

    @Test
    public void entriesStayWhenTheStampCannotBeRead() {
        assertEquals("a1", get("a"));
        db.close();
        now.addAndGet(TableCache.CHECK_MS);
        assertEquals("a1", get("a"));
    }

    @Test
    public void aLookUpUnderWayWhenTheCacheIsClearedIsNotKept() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(60_000, 100, now::get);
        assertEquals("a1", cache.get("a", k -> {
            cache.clear(); // a change was seen while this row was being read
            return k + loads.incrementAndGet();
        }).orElseThrow());
        assertEquals("a2", cache.get("a", k -> k + loads.incrementAndGet()).orElseThrow());
    }
}
