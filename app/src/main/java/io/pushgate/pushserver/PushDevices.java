package io.pushgate.pushserver;

import io.pushgate.push.PushParams;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.store.Database;
import io.pushgate.store.PeerNotices;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push-capable devices of each user, kept from their registrations: added when a binding with
 * valid push parameters is registered, kept when it expires, removed when the device unregisters.
 * Read from memory; servers sharing a PostgreSQL database tell each other which users' rows they
 * changed ({@link #TOPIC}), so a call for a sleeping phone is pushed whichever node the phone
 * registered through.
 */
public final class PushDevices implements BindingChange.Listener {
    private static final Logger log = LoggerFactory.getLogger(PushDevices.class);

    /** The {@link PeerNotices} topic of push device rows; keys are AORs. */
    static final String TOPIC = "push_devices";

    private final Database db;
    private final PeerNotices notices;
    private final LongSupplier clock;
    /** Devices kept per user; past it the one seen least recently goes (an account registering ever new instances must not grow without end). */
    private final int maxPerUser;
    /** A refresh rewrites the row at most this often, so last-seen stays cheap to keep. */
    private static final long TOUCH_EVERY_MS = 86_400_000L;

    private record Known(String uri, long seenAt) {}

    /** aor -> binding id -> device. */
    private final Map<String, Map<String, Known>> byAor = new ConcurrentHashMap<>();

    public PushDevices(Database db, LongSupplier clock) {
        this(db, new PeerNotices(db.settings()), clock, 10);
    }

    /** {@code maxPerUser}: the registrar's max-contacts, so that every device a user can have at once is kept. */
    public PushDevices(Database db, LongSupplier clock, int maxPerUser) {
        this(db, new PeerNotices(db.settings()), clock, maxPerUser);
    }

    public PushDevices(Database db, PeerNotices notices, LongSupplier clock, int maxPerUser) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
        this.maxPerUser = maxPerUser;
        // subscribed before the load, so that a change another server commits meanwhile is not missed
        notices.subscribe(TOPIC, new PeerNotices.Subscriber() {
            @Override
            public void changed(java.util.Set<String> aors) { reload(aors); }

            @Override
            public void missed() { reloadAll(); }
        });
        reloadAll();
    }

    private void reloadAll() {
        Map<String, Map<String, Known>> all = grouped(db.inTransaction(s -> s.createSelectionQuery("from PushDevice", PushDevice.class).getResultList()));
        byAor.keySet().retainAll(all.keySet());
        byAor.putAll(all);
    }

    /** Reads these users' devices again: another server changed their rows. */
    void reload(java.util.Set<String> aors) {
        Map<String, Map<String, Known>> read = grouped(db.inTransaction(s -> s.createSelectionQuery("from PushDevice where aor in :aors", PushDevice.class)
                .setParameter("aors", aors).getResultList()));
        for (String aor : aors) {
            Map<String, Known> m = read.get(aor);
            if (m == null) byAor.remove(aor);
            else byAor.put(aor, m);
        }
    }

    private static Map<String, Map<String, Known>> grouped(List<PushDevice> rows) {
        Map<String, Map<String, Known>> out = new java.util.HashMap<>();
        for (PushDevice d : rows) out.computeIfAbsent(d.aor(), k -> new ConcurrentHashMap<>()).put(d.id(), new Known(d.contactUri(), d.updatedAt()));
        return out;
    }

    /** Contact URIs (with their push parameters) of the user's devices. */
    public List<String> of(String aor) {
        Map<String, Known> m = byAor.get(aor);
        return m == null ? List.of() : m.values().stream().map(Known::uri).toList();
    }

    /** Forgets devices not seen registering for {@code maxAgeMs}: a phone gone for good is not pushed forever. */
    public int purgeOlderThan(long maxAgeMs) {
        long cutoff = clock.getAsLong() - maxAgeMs;
        int n = db.inTransaction(s -> s.createMutationQuery("delete from PushDevice where updatedAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate());
        for (Map<String, Known> m : byAor.values()) m.values().removeIf(k -> k.seenAt() < cutoff);
        byAor.values().removeIf(Map::isEmpty);
        return n;
    }

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            BindingRecord b = c.binding();
            try {
                if (c.event() == BindingChange.Event.UNREGISTERED) forget(b);
                else if (c.event().active() && hasPushParams(b) && isNewOrStale(b)) remember(b);
            } catch (RuntimeException e) {
                // The binding itself is committed; only the wake-up list is behind, and the next refresh retries.
                log.warn("push device list for {} not updated: {}", aor, e.getMessage());
            }
        }
    }

    private Known known(BindingRecord b) {
        Map<String, Known> m = byAor.get(b.aor());
        return m == null ? null : m.get(b.id());
    }

    private boolean isNewOrStale(BindingRecord b) {
        Known k = known(b);
        return k == null || !k.uri().equals(b.contactUri()) || clock.getAsLong() - k.seenAt() > TOUCH_EVERY_MS;
    }

    private void remember(BindingRecord b) {
        long now = clock.getAsLong();
        PushDevice d = new PushDevice(b.id(), b.aor(), b.contactUri(), now);
        db.inTransaction(s -> {
            s.merge(d);
            notices.send(s, TOPIC, List.of(b.aor()));
            return null;
        });
        Map<String, Known> m = byAor.computeIfAbsent(b.aor(), k -> new ConcurrentHashMap<>());
        m.put(b.id(), new Known(b.contactUri(), now));
        while (m.size() > maxPerUser) {
            String oldest = m.entrySet().stream().filter(e -> !e.getKey().equals(b.id()))
                    .min(java.util.Comparator.comparingLong(e -> e.getValue().seenAt())).map(Map.Entry::getKey).orElse(null);
            if (oldest == null) break;
            delete(b.aor(), oldest);
            m.remove(oldest);
        }
    }

    /** Deletes the user's devices (or the one {@code id}) within the caller's transaction; call {@link #forgetDeleted} once it committed. */
    public int deleteIn(org.hibernate.Session s, String aor, String id) {
        var q = s.createMutationQuery("delete from PushDevice where aor = :aor" + (id == null ? "" : " and id = :id")).setParameter("aor", aor);
        if (id != null) q.setParameter("id", id);
        int n = q.executeUpdate();
        notices.send(s, TOPIC, List.of(aor));
        return n;
    }

    /** Drops from memory what {@link #deleteIn} deleted. */
    public void forgetDeleted(String aor, String id) {
        if (id == null) byAor.remove(aor);
        else byAor.computeIfPresent(aor, (k, m) -> {
            m.remove(id);
            return m.isEmpty() ? null : m;
        });
    }

    /** The user's devices as binding id -> contact URI. */
    public Map<String, String> byId(String aor) {
        Map<String, Known> m = byAor.get(aor);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (m != null) m.forEach((id, k) -> out.put(id, k.uri()));
        return out;
    }

    /** Forgets the user's device with this contact URI (its push token is dead); false when none is known. */
    public boolean forget(String aor, String contactUri) {
        Map<String, Known> m = byAor.get(aor);
        if (m == null) return false;
        for (Map.Entry<String, Known> e : m.entrySet()) {
            if (!e.getValue().uri().equals(contactUri)) continue;
            String id = e.getKey();
            delete(aor, id);
            m.remove(id);
            byAor.computeIfPresent(aor, (k, v) -> v.isEmpty() ? null : v);
            return true;
        }
        return false;
    }

    private void forget(BindingRecord b) {
        if (known(b) == null) return;
        delete(b.aor(), b.id());
        byAor.computeIfPresent(b.aor(), (k, m) -> {
            m.remove(b.id());
            return m.isEmpty() ? null : m;
        });
    }

    private void delete(String aor, String id) {
        db.inTransaction(s -> {
            s.createMutationQuery("delete from PushDevice where id = :id").setParameter("id", id).executeUpdate();
            notices.send(s, TOPIC, List.of(aor));
            return null;
        });
    }

    private static boolean hasPushParams(BindingRecord b) {
        try {
            return PushParams.parseUri(b.contactUri()).isPresent();
        } catch (PushParams.InvalidPushParams e) {
            return false;
        }
    }
}
