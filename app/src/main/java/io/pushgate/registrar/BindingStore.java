package io.pushgate.registrar;

import io.pushgate.store.Database;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bindings by address-of-record: the database is the truth (it survives a restart, even kill -9),
 * memory holds a copy for lookups. A change is written to the database first and shown in memory
 * only once committed, so a failed write changes nothing.
 */
public final class BindingStore implements AutoCloseable {
    private static final Comparator<BindingRecord> BY_Q = Comparator.comparingInt(BindingRecord::qMilli).reversed()
            .thenComparing(Comparator.comparingLong(BindingRecord::updatedAt).reversed());

    private final Database db;
    private final LongSupplier clock;
    private final Map<String, List<BindingRecord>> byAor = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[256];
    private final BindingWriter writer;

    public BindingStore(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
        this.writer = new BindingWriter(db, db.settings().connectTimeoutMs() + 3000L);
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    /** Loads the bindings that have not expired; called once at start-up. */
    public int load() {
        long now = clock.getAsLong();
        List<BindingRecord> all = db.inTransaction(s -> s.createSelectionQuery(
                "from BindingRecord where expiresAt > :now", BindingRecord.class).setParameter("now", now).getResultList());
        Map<String, List<BindingRecord>> grouped = new java.util.HashMap<>();
        for (BindingRecord b : all) grouped.computeIfAbsent(b.aor(), k -> new ArrayList<>()).add(b);
        grouped.forEach((aor, list) -> byAor.put(aor, List.copyOf(list)));
        return all.size();
    }

    /** Live bindings of an AOR, highest q first. */
    public List<BindingRecord> current(String aor) {
        List<BindingRecord> list = byAor.get(aor);
        if (list == null) return List.of();
        long now = clock.getAsLong();
        List<BindingRecord> live = new ArrayList<>(list.size());
        for (BindingRecord b : list) if (b.expiresAt() > now) live.add(b);
        live.sort(BY_Q);
        return live;
    }

    /** Every binding held for an AOR, expired ones not yet purged included. */
    public List<BindingRecord> held(String aor) {
        return byAor.getOrDefault(aor, List.of());
    }

    /** Serializes read-modify-write of one AOR's bindings. */
    public Object lockFor(String aor) {
        return locks[(aor.hashCode() & 0x7fffffff) % locks.length];
    }

    /**
     * Writes an AOR's new binding set: rows in {@code stored} are inserted or updated, ids in
     * {@code removed} deleted. Call while holding {@link #lockFor}.
     */
    private void commit(String aor, List<BindingRecord> result, List<BindingRecord> stored, List<String> removed, List<String> existingIds) {
        if (!stored.isEmpty() || !removed.isEmpty()) writer.write(stored, removed, existingIds);
        if (result.isEmpty()) byAor.remove(aor);
        else byAor.put(aor, List.copyOf(result));
    }

    /**
     * Applies one registration to an AOR: {@code upserts} replace bindings with the same id,
     * {@code removals} (or, with {@code removeAll}, every binding) go, expired ones are dropped,
     * and beyond {@code maxContacts} the least recently refreshed binding goes too.
     */
    public void update(String aor, List<BindingRecord> upserts, List<String> removals, boolean removeAll, int maxContacts) {
        synchronized (lockFor(aor)) {
            long now = clock.getAsLong();
            List<BindingRecord> held = held(aor);
            List<String> heldIds = held.stream().map(BindingRecord::id).toList();
            Map<String, BindingRecord> result = new java.util.LinkedHashMap<>();
            List<String> removed = new ArrayList<>();
            for (BindingRecord b : held) {
                if (b.expiresAt() > now && !removeAll && !removals.contains(b.id())) result.put(b.id(), b);
                else removed.add(b.id());
            }
            List<BindingRecord> stored = new ArrayList<>();
            for (BindingRecord b : upserts) {
                result.remove(b.id());
                result.put(b.id(), b);
                stored.add(b);
                removed.remove(b.id());
            }
            while (result.size() > maxContacts) {
                BindingRecord oldest = result.values().stream().min(Comparator.comparingLong(BindingRecord::updatedAt)).get();
                result.remove(oldest.id());
                stored.remove(oldest);
                if (heldIds.contains(oldest.id())) removed.add(oldest.id());
            }
            removed.retainAll(heldIds);
            commit(aor, new ArrayList<>(result.values()), stored, removed, heldIds);
        }
    }

    /** Drops expired bindings from memory and database. */
    public int purgeExpired() {
        long now = clock.getAsLong();
        for (String aor : byAor.keySet()) {
            synchronized (lockFor(aor)) {
                List<BindingRecord> list = byAor.get(aor);
                if (list == null) continue;
                List<BindingRecord> live = list.stream().filter(b -> b.expiresAt() > now).toList();
                if (live.isEmpty()) byAor.remove(aor);
                else if (live.size() != list.size()) byAor.put(aor, live);
            }
        }
        return db.inTransaction(s -> s.createMutationQuery("delete from BindingRecord where expiresAt <= :now")
                .setParameter("now", now).executeUpdate());
    }

    @Override
    public void close() {
        writer.close();
    }

    public int aorCount() { return byAor.size(); }

    public int bindingCount() {
        int n = 0;
        for (List<BindingRecord> l : byAor.values()) n += l.size();
        return n;
    }
}
