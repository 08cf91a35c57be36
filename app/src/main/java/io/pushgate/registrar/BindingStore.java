package io.pushgate.registrar;

import io.pushgate.metrics.Gauges;
import io.pushgate.store.Database;
import io.pushgate.store.PeerNotices;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bindings by address-of-record: the database is the truth (it survives a restart, even kill -9),
 * memory holds a copy for lookups. A change is written to the database first and shown in memory
 * only once committed, so a failed write changes nothing. Servers sharing a PostgreSQL database
 * tell each other which AORs they changed ({@link PeerNotices}); each reloads those from the
 * database and tells its peer listeners.
 */
public final class BindingStore implements AutoCloseable {
    private static final Comparator<BindingRecord> BY_Q = Comparator.comparingInt(BindingRecord::qMilli).reversed()
            .thenComparing(Comparator.comparingLong(BindingRecord::updatedAt).reversed());

    /** The {@link PeerNotices} topic of binding changes; keys are AORs. */
    static final String TOPIC = "bindings";

    private final Database db;
    private final PeerNotices notices;
    private final LongSupplier clock;
    private final Map<String, List<BindingRecord>> byAor = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[256];
    /** Local writes per lock stripe: a reload whose read crossed one reads that AOR again under the lock. */
    private final java.util.concurrent.atomic.AtomicIntegerArray localWrites = new java.util.concurrent.atomic.AtomicIntegerArray(locks.length);
    private final BindingWriter writer;
    private final List<BindingChange.Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<BindingChange.Listener> peerListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A store that hears nothing from other servers (tests, tools); they are told of its own changes. */
    public BindingStore(Database db, LongSupplier clock) {
        this(db, new PeerNotices(db.settings()), clock);
    }

    public BindingStore(Database db, PeerNotices notices, LongSupplier clock) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
        this.writer = new BindingWriter(db, notices, db.settings().connectTimeoutMs() + 3000L, db.settings().commitWindowMicros());
        notices.subscribe(TOPIC, new PeerNotices.Subscriber() {
            @Override
            public void changed(java.util.Set<String> aors) { reload(aors); }

            @Override
            public void missed() { reloadAll(); }
        });
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        Gauges.report("pushgate_bindings", "Bindings (registered contacts) held, expired ones not yet purged included.", this::bindingCount);
        Gauges.report("pushgate_aors", "Addresses of record with at least one binding.", this::aorCount);
    }

    /**
     * Adds a listener told of every change this server commits (called while the AOR's lock is held,
     * so in order). What a server does once per change (a wake-up push, a device list row) listens
     * here only, so that a change is acted on by one server, not by all.
     */
    public void addListener(BindingChange.Listener listener) {
        listeners.add(listener);
    }

    /**
     * Adds a listener told of the changes other servers on the database committed, read back here:
     * for what lives on this server and must follow every change (subscriptions to registration
     * events, a gateway's waiting calls).
     */
    public void addPeerListener(BindingChange.Listener listener) {
        peerListeners.add(listener);
    }

    private void tell(String aor, List<BindingChange> changes) {
        tell(listeners, aor, changes);
    }

    private static void tell(List<BindingChange.Listener> listeners, String aor, List<BindingChange> changes) {
        if (changes.isEmpty()) return;
        for (BindingChange.Listener l : listeners) {
            try {
                l.changed(aor, changes);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(BindingStore.class).warn("binding listener failed for {}: {}", aor, e.toString());
            }
        }
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

    /**
     * Reads these AORs' bindings again from the database (another server changed them) and tells
     * the peer listeners what changed: contacts new to this server as registered, newer ones as
     * refreshed, gone ones as unregistered (expired when their time had passed).
     */
    void reload(java.util.Collection<String> aors) {
        List<String> all = List.copyOf(aors);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            int[] writesBefore = localWrites(chunk);
            apply(chunk, read(chunk), writesBefore);
        }
    }

    /** This server's write counts of the AORs' lock stripes, taken before their rows are read. */
    int[] localWrites(List<String> aors) {
        return aors.stream().mapToInt(aor -> localWrites.get(stripe(aor))).toArray();
    }

    /** Puts rows read from the database in memory, reading again an AOR this server wrote meanwhile. */
    void apply(List<String> aors, Map<String, List<BindingRecord>> rowsByAor, int[] writesBefore) {
        for (int i = 0; i < aors.size(); i++) {
            String aor = aors.get(i);
            synchronized (lockFor(aor)) {
                // this server wrote the stripe while the rows were read: they may be older than memory
                List<BindingRecord> rows = localWrites.get(stripe(aor)) == writesBefore[i]
                        ? rowsByAor.getOrDefault(aor, List.of()) : read(List.of(aor)).getOrDefault(aor, List.of());
                replace(aor, rows);
            }
        }
    }

    Map<String, List<BindingRecord>> read(List<String> aors) {
        List<BindingRecord> rows = db.inTransaction(s -> s.createSelectionQuery(
                "from BindingRecord where aor in :aors", BindingRecord.class).setParameter("aors", aors).getResultList());
        Map<String, List<BindingRecord>> grouped = new java.util.HashMap<>();
        for (BindingRecord b : rows) grouped.computeIfAbsent(b.aor(), k -> new ArrayList<>()).add(b);
        return grouped;
    }

    /** Reads every AOR again: notices from other servers may have been lost. */
    void reloadAll() {
        java.util.Set<String> aors = new java.util.HashSet<>(byAor.keySet());
        aors.addAll(db.inTransaction(s -> s.createSelectionQuery("select distinct aor from BindingRecord", String.class).getResultList()));
        reload(aors);
    }

    /** Call holding {@link #lockFor} the AOR. */
    private void replace(String aor, List<BindingRecord> stored) {
        long now = clock.getAsLong();
        Map<String, BindingRecord> before = new java.util.HashMap<>();
        for (BindingRecord b : held(aor)) before.put(b.id(), b);
        List<BindingChange> changes = new ArrayList<>();
        for (BindingRecord b : stored) {
            BindingRecord old = before.remove(b.id());
            if (old == null) changes.add(new BindingChange(b, BindingChange.Event.REGISTERED));
            else if (old.updatedAt() != b.updatedAt() || old.expiresAt() != b.expiresAt()) changes.add(new BindingChange(b, BindingChange.Event.REFRESHED));
        }
        for (BindingRecord gone : before.values()) {
            changes.add(new BindingChange(gone, gone.expiresAt() <= now ? BindingChange.Event.EXPIRED : BindingChange.Event.UNREGISTERED));
        }
        if (stored.isEmpty()) byAor.remove(aor);
        else byAor.put(aor, List.copyOf(stored));
        tell(peerListeners, aor, changes);
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
        return locks[stripe(aor)];
    }

    private int stripe(String aor) {
        return (aor.hashCode() & 0x7fffffff) % locks.length;
    }

    /**
     * Writes an AOR's new binding set: rows in {@code stored} are inserted or updated, ids in
     * {@code removed} deleted. Call while holding {@link #lockFor}.
     */
    private void commit(String aor, List<BindingRecord> result, List<BindingRecord> stored, List<String> removed, List<String> existingIds) {
        if (!stored.isEmpty() || !removed.isEmpty()) {
            writer.write(aor, stored, removed, existingIds);
            localWrites.incrementAndGet(stripe(aor)); // after the commit: a reload that read before it sees this
        }
        if (result.isEmpty()) byAor.remove(aor);
        else byAor.put(aor, List.copyOf(result));
    }

    /**
     * Applies one registration to an AOR: {@code upserts} replace bindings with the same id,
     * {@code removals} (or, with {@code removeAll}, every binding) go, expired ones are dropped,
     * and beyond {@code maxContacts} the least recently refreshed binding goes too.
     */
    public void update(String aor, List<BindingRecord> upserts, List<String> removals, boolean removeAll, int maxContacts) {
        update(aor, upserts, removals, removeAll, maxContacts, BindingChange.Event.UNREGISTERED);
    }

    /**
     * Removes every binding registered from {@code source} ("transport:host:port", as in
     * {@link BindingRecord#source()}), told as deactivated; returns how many went.
     */
    public int dropSource(String source) {
        int dropped = 0;
        for (Map.Entry<String, List<BindingRecord>> e : byAor.entrySet()) {
            List<String> ids = e.getValue().stream().filter(b -> source.equals(b.source())).map(BindingRecord::id).toList();
            if (ids.isEmpty()) continue;
            update(e.getKey(), List.of(), ids, false, Integer.MAX_VALUE, BindingChange.Event.DEACTIVATED);
            dropped += ids.size();
        }
        return dropped;
    }

    private void update(String aor, List<BindingRecord> upserts, List<String> removals, boolean removeAll, int maxContacts,
                        BindingChange.Event removalEvent) {
        synchronized (lockFor(aor)) {
            long now = clock.getAsLong();
            List<BindingRecord> held = held(aor);
            Map<String, BindingRecord> heldById = new java.util.LinkedHashMap<>();
            for (BindingRecord b : held) heldById.put(b.id(), b);
            Map<String, BindingRecord> result = new java.util.LinkedHashMap<>();
            Map<String, BindingChange> changes = new java.util.LinkedHashMap<>();
            for (BindingRecord b : held) {
                if (b.expiresAt() <= now) changes.put(b.id(), new BindingChange(b, BindingChange.Event.EXPIRED));
                else if (removeAll || removals.contains(b.id())) changes.put(b.id(), new BindingChange(b, removalEvent));
                else result.put(b.id(), b);
            }
            List<BindingRecord> stored = new ArrayList<>();
            for (BindingRecord b : upserts) {
                BindingRecord before = result.remove(b.id());
                result.put(b.id(), b);
                stored.add(b);
                changes.put(b.id(), new BindingChange(b, before != null ? BindingChange.Event.REFRESHED : BindingChange.Event.REGISTERED));
            }
            while (result.size() > maxContacts) {
                BindingRecord oldest = result.values().stream().min(Comparator.comparingLong(BindingRecord::updatedAt)).get();
                result.remove(oldest.id());
                stored.remove(oldest);
                if (heldById.containsKey(oldest.id())) changes.put(oldest.id(), new BindingChange(heldById.get(oldest.id()), BindingChange.Event.DEACTIVATED));
                else changes.remove(oldest.id());
            }
            List<String> removed = new ArrayList<>();
            for (BindingChange c : changes.values()) if (!c.event().active()) removed.add(c.binding().id());
            commit(aor, new ArrayList<>(result.values()), stored, removed, List.copyOf(heldById.keySet()));
            tell(aor, List.copyOf(changes.values()));
        }
    }

    /**
     * Deletes an AOR's bindings (or the one {@code id}) within the caller's transaction, so that
     * they go with what else it deletes (the account); call {@link #forgetDeleted} once it committed.
     */
    public int deleteIn(org.hibernate.Session s, String aor, String id) {
        notices.send(s, TOPIC, List.of(aor));
        var q = s.createMutationQuery("delete from BindingRecord where aor = :aor" + (id == null ? "" : " and id = :id")).setParameter("aor", aor);
        if (id != null) q.setParameter("id", id);
        return q.executeUpdate();
    }

    /** Drops from memory what {@link #deleteIn} deleted, telling the listeners. */
    public void forgetDeleted(String aor, String id) {
        synchronized (lockFor(aor)) {
            List<BindingRecord> held = held(aor);
            List<BindingRecord> gone = held.stream().filter(b -> id == null || b.id().equals(id)).toList();
            if (gone.isEmpty()) return;
            localWrites.incrementAndGet(stripe(aor));
            List<BindingRecord> kept = held.stream().filter(b -> !gone.contains(b)).toList();
            if (kept.isEmpty()) byAor.remove(aor);
            else byAor.put(aor, kept);
            tell(aor, gone.stream().map(b -> new BindingChange(b, BindingChange.Event.UNREGISTERED)).toList());
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
                if (live.size() == list.size()) continue;
                if (live.isEmpty()) byAor.remove(aor);
                else byAor.put(aor, live);
                tell(aor, list.stream().filter(b -> b.expiresAt() <= now).map(b -> new BindingChange(b, BindingChange.Event.EXPIRED)).toList());
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

    /** Addresses of record with a binding whose text contains {@code part} (all when empty), in order, at most {@code limit}. */
    public List<String> aors(String part, int limit) {
        return byAor.keySet().stream().filter(a -> part.isEmpty() || a.contains(part)).sorted().limit(limit).toList();
    }

    public int bindingCount() {
        int n = 0;
        for (List<BindingRecord> l : byAor.values()) n += l.size();
        return n;
    }
}
