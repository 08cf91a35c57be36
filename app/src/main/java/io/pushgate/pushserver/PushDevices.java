package io.pushgate.pushserver;

import io.pushgate.push.PushParams;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.store.Database;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push-capable devices of each user, kept from their registrations: added when a binding with
 * valid push parameters is registered, kept when it expires, removed when the device unregisters.
 */
public final class PushDevices implements BindingChange.Listener {
    private static final Logger log = LoggerFactory.getLogger(PushDevices.class);

    private final Database db;
    private final LongSupplier clock;
    /** aor -> binding id -> contact URI. */
    private final Map<String, Map<String, String>> byAor = new ConcurrentHashMap<>();

    public PushDevices(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
        for (PushDevice d : db.inTransaction(s -> s.createSelectionQuery("from PushDevice", PushDevice.class).getResultList())) {
            byAor.computeIfAbsent(d.aor(), k -> new ConcurrentHashMap<>()).put(d.id(), d.contactUri());
        }
    }

    /** Contact URIs (with their push parameters) of the user's devices. */
    public List<String> of(String aor) {
        Map<String, String> m = byAor.get(aor);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            BindingRecord b = c.binding();
            try {
                if (c.event() == BindingChange.Event.UNREGISTERED) forget(b);
                else if (c.event().active() && hasPushParams(b) && !b.contactUri().equals(known(b))) remember(b);
            } catch (RuntimeException e) {
                // The binding itself is committed; only the wake-up list is behind, and the next refresh retries.
                log.warn("push device list for {} not updated: {}", aor, e.getMessage());
            }
        }
    }

    private String known(BindingRecord b) {
        Map<String, String> m = byAor.get(b.aor());
        return m == null ? null : m.get(b.id());
    }

    private void remember(BindingRecord b) {
        PushDevice d = new PushDevice(b.id(), b.aor(), b.contactUri(), clock.getAsLong());
        db.inTransaction(s -> s.merge(d));
        byAor.computeIfAbsent(b.aor(), k -> new ConcurrentHashMap<>()).put(b.id(), b.contactUri());
    }

    private void forget(BindingRecord b) {
        if (known(b) == null) return;
        db.inTransaction(s -> s.createMutationQuery("delete from PushDevice where id = :id").setParameter("id", b.id()).executeUpdate());
        byAor.computeIfPresent(b.aor(), (k, m) -> {
            m.remove(b.id());
            return m.isEmpty() ? null : m;
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
