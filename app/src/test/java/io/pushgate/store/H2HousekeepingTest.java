package io.pushgate.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;

/**
 * With WRITE_DELAY=0 H2's own background writer is off, so nobody rewrites its sparse chunks but
 * Pushgate: the same stream of small commits must leave far fewer chunks, and a smaller file, with
 * the passes than without them.
 */
public class H2HousekeepingTest {
    private final List<Path> dirs = new ArrayList<>();

    @After
    public void clean() throws Exception {
        for (Path dir : dirs) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Database open() throws Exception {
        Path dir = Files.createTempDirectory("h2-housekeeping");
        dirs.add(dir);
        // RETENTION_TIME=0: a replaced chunk may be dropped at once, as it may be 45 s later in production
        Database db = new Database(new DatabaseSettings("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0",
                "sa", "", 2, 2000, 10), List.of());
        db.inTransaction(s -> s.createNativeMutationQuery("create table row_data(id int primary key, v varchar(200))").executeUpdate());
        return db;
    }

    private static long info(Database db, String name) {
        Object v = db.inTransaction(s -> s.createNativeQuery(
                "select setting_value from information_schema.settings where setting_name = 'info." + name + "'", Object.class).getSingleResult());
        return Long.parseLong(v.toString().replace("%", "").trim());
    }

    /** Rows inserted one per commit, then updated one per commit, a seventh of them a round, as bindings are refreshed. */
    private static long[] chunksAndFileAfterLoad(Database db, H2Housekeeping passes) {
        for (int i = 0; i < 2000; i++) {
            int id = i;
            db.inTransaction(s -> s.createNativeMutationQuery("insert into row_data values (" + id + ", 'a')").executeUpdate());
        }
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 2000; i += 7) {
                int id = (i + round * 13) % 2000;
                db.inTransaction(s -> s.createNativeMutationQuery("update row_data set v = 'r" + id + "' where id = " + id).executeUpdate());
                if (passes != null && i % 100 == 0) passes.pass();
            }
        }
        return new long[] {info(db, "CHUNK_COUNT"), info(db, "FILE_SIZE")};
    }

    @Test
    public void passesKeepFewerChunksAndASmallerFileUnderTheSameCommits() throws Exception {
        long[] without;
        try (Database db = open(); H2Housekeeping h = H2Housekeeping.startIfNeeded(db)) {
            assertNotNull("an H2 file written with WRITE_DELAY=0", h);
            h.close(); // no timer: this run has no passes at all
            without = chunksAndFileAfterLoad(db, null);
        }
        try (Database db = open(); H2Housekeeping h = H2Housekeeping.startIfNeeded(db)) {
            h.close(); // the passes are the test's own, at fixed points of the load
            long[] with = chunksAndFileAfterLoad(db, h);
            assertTrue("chunks without passes " + without[0] + ", with " + with[0], with[0] * 2 < without[0]);
            assertTrue("file without passes " + without[1] + ", with " + with[1], with[1] * 2 < without[1]);
            assertEquals("no row lost", 2000, ((Number) db.inTransaction(s -> s.createNativeQuery("select count(*) from row_data", Object.class)
                    .getSingleResult())).intValue());
        }
    }

    @Test
    public void nothingToDoForAnInMemoryDatabase() {
        try (Database mem = new Database(new DatabaseSettings("jdbc:h2:mem:hk" + System.nanoTime(), "sa", "", 2, 2000, 10), List.of())) {
            assertNull(H2Housekeeping.startIfNeeded(mem));
        }
    }
}
