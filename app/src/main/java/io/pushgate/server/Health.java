package io.pushgate.server;

import com.google.gson.JsonObject;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.store.Database;
import java.util.List;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the database answers and
 * the SIP listeners are up, the application started on them), for systemd, Kubernetes and load
 * balancers; no key needed (docs/operations.md).
 */
final class Health {
    private final Database db;
    private final boolean sipListeners;
    private volatile boolean started;

    Health(Database db, boolean sipListeners) {
        this.db = db;
        this.sipListeners = sipListeners;
    }

    void started() { started = true; }

    List<ApiRoute> routes() {
        return List.of(
                new ApiRoute("GET", "/health/live", null, r -> ApiResponse.ok(status("up"))),
                new ApiRoute("GET", "/health/ready", null, r -> ready()));
    }

    private ApiResponse ready() {
        JsonObject o = new JsonObject();
        String database;
        try {
            db.inTransaction(s -> s.createNativeQuery("select 1", Integer.class).getSingleResult());
            database = "up";
        } catch (RuntimeException e) {
            database = "down: " + Database.rootMessage(e);
        }
        String sip = !sipListeners ? "down: no SIP listener" : started ? "up" : "down: starting";
        o.addProperty("database", database);
        o.addProperty("sip", sip);
        boolean up = database.equals("up") && sip.equals("up");
        o.addProperty("status", up ? "up" : "down");
        return ApiResponse.json(up ? 200 : 503, o);
    }

    private static JsonObject status(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("status", s);
        return o;
    }
}
