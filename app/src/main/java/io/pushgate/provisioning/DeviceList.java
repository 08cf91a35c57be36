package io.pushgate.provisioning;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pushgate.push.PushParams;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The devices of an address of record as the API and the console show them: its live bindings,
 * and the push devices the registrar keeps for a sleeping phone (no live binding, still
 * reachable). Contacts are shown without their push tokens.
 */
public final class DeviceList {
    private final Database db;
    private final BindingStore bindings;
    /** Null outside the registrar role (the gateway keeps no device list of its own). */
    private final PushDevices devices;
    private final LongSupplier clock;

    public DeviceList(Database db, BindingStore bindings, PushDevices devices, LongSupplier clock) {
        this.db = db;
        this.bindings = bindings;
        this.devices = devices;
        this.clock = clock;
    }

    public JsonArray of(String aor) {
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        long now = clock.getAsLong();
        for (BindingRecord b : bindings.current(aor)) {
            JsonObject d = device(b.id(), b.contactUri());
            d.addProperty("registered", true);
            d.addProperty("expiresIn", b.remainingSeconds(now));
            d.addProperty("transport", b.sourceTransport());
            if (b.userAgent() != null) d.addProperty("userAgent", b.userAgent());
            byId.put(b.id(), d);
        }
        if (devices != null) {
            devices.byId(aor).forEach((id, uri) -> byId.computeIfAbsent(id, k -> {
                JsonObject d = device(id, uri);
                d.addProperty("registered", false);
                return d;
            }).addProperty("pushTokenAlive", true));
        }
        JsonArray a = new JsonArray();
        byId.values().forEach(a::add);
        return a;
    }

    private static JsonObject device(String id, String contact) {
        JsonObject d = new JsonObject();
        d.addProperty("id", id);
        d.addProperty("contact", PushParams.redacted(contact));
        try {
            PushParams.parseUri(contact).ifPresent(p -> d.addProperty("pushProvider", p.provider()));
        } catch (PushParams.InvalidPushParams e) {
            d.addProperty("pushProvider", "invalid");
        }
        return d;
    }

    /** Deletes the binding and the push device of that id in one transaction; false when the AOR has neither. */
    public boolean delete(String aor, String id) {
        boolean bound = bindings.current(aor).stream().anyMatch(b -> b.id().equals(id));
        boolean known = devices != null && devices.byId(aor).containsKey(id);
        if (!bound && !known) return false;
        db.inTransaction(s -> {
            bindings.deleteIn(s, aor, id);
            if (devices != null) devices.deleteIn(s, aor, id);
            return null;
        });
        bindings.forgetDeleted(aor, id);
        if (devices != null) devices.forgetDeleted(aor, id);
        return true;
    }
}
