package io.pushgate.store;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Look-ups of one table, remembered until the table changes. Every writer stamps the table with a
 * new version in its own transaction ({@link #changed}); readers compare the stamp at most every
 * {@link #CHECK_MS} and drop everything when it moved. So a server reads each row once instead of
 * once per request, and still sees a change made by the CLI or by another server on the same
 * database within CHECK_MS. A row changed by hand in SQL, which stamps nothing, is seen within
 * {@link #TTL_MS}.
 */
public final class TableCache<K, V> {
    private static final Logger log = LoggerFactory.getLogger(TableCache.class);
    /** How often the version stamp is read: a change made elsewhere is seen within this. */
    public static final long CHECK_MS = 5_000;
    /** How long an entry is kept whatever the stamp says. */
    public static final long TTL_MS = 600_000;

    private final Database db;
    private final String versionName;
    private final LongSupplier clock;
    private final ExpiringCache<K, V> entries;
    private final AtomicLong checkedAt;
    private volatile String seenVersion;

    /** {@code table} names the stamp (a {@link StoredSetting} row "TABLE.version"). */
    public TableCache(Database db, String table, int maxEntries, LongSupplier clock) {
        this.db = db;
        this.versionName = table + ".version";
        this.clock = clock;
        this.entries = new ExpiringCache<>(TTL_MS, maxEntries, clock);
        this.checkedAt = new AtomicLong(clock.getAsLong() - CHECK_MS); // the first look-up reads the stamp
    }

    public Optional<V> get(K key, Function<K, V> loader) {
        checkVersion();
        return entries.get(key, loader);
    }

    /** Call inside the transaction that changes the table, so the stamp commits with the change. */
    public void changed(Session session) {
        session.merge(new StoredSetting(versionName, UUID.randomUUID().toString()));
    }

    /** Drops every entry at once (a change of many rows made by this server, after its commit). */
    public void clear() {
        entries.clear();
    }

    /** Drops one entry at once (a change made by this server, after its commit). */
    public void forget(K key) {
        entries.forget(key);
    }

    private void checkVersion() {
        long now = clock.getAsLong();
        long last = checkedAt.get();
        if (now - last < CHECK_MS || !checkedAt.compareAndSet(last, now)) return;
        try {
            StoredSetting s = db.inTransaction(session -> session.find(StoredSetting.class, versionName));
            String version = s == null ? "" : s.value();
            if (!version.equals(seenVersion)) {
                if (seenVersion != null) entries.clear();
                seenVersion = version;
            }
        } catch (RuntimeException e) {
            // entries stay: they are the last known state; the next check tries again
            log.warn("cannot read {}: {}", versionName, Database.rootMessage(e));
        }
    }
}
