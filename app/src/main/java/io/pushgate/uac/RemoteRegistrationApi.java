package io.pushgate.uac;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pushgate.api.ApiRequest;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiScope;
import java.util.List;

/**
 * The remote registrations in the management API: the operator's commands of docs/uac.md over
 * HTTP. Like the CLI, it writes the table and the server carries the change out at its next look.
 * Passwords go in, never out.
 */
public final class RemoteRegistrationApi {
    static final String BASE = "/api/v1/remote-registrations";

    private final RemoteRegistrationTable table;

    public RemoteRegistrationApi(RemoteRegistrationTable table) {
        this.table = table;
    }

    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute("GET", BASE, ApiScope.READ, r -> {
                    JsonArray a = new JsonArray();
                    for (RemoteRegistration row : table.list()) a.add(json(row));
                    JsonObject o = new JsonObject();
                    o.add("items", a);
                    return ApiResponse.ok(o);
                }),
                new ApiRoute("POST", BASE, ApiScope.ADMIN, this::add),
                new ApiRoute("GET", BASE + "/{uuid}", ApiScope.READ, r -> ApiResponse.ok(json(row(r)))),
                new ApiRoute("DELETE", BASE + "/{uuid}", ApiScope.ADMIN, r -> command(r, RemoteRegistrationTable.REMOVE)),
                new ApiRoute("POST", BASE + "/{uuid}/register", ApiScope.ADMIN, r -> command(r, RemoteRegistrationTable.REGISTER)),
                new ApiRoute("POST", BASE + "/{uuid}/unregister", ApiScope.ADMIN, r -> command(r, RemoteRegistrationTable.UNREGISTER)),
                new ApiRoute("POST", BASE + "/{uuid}/enable", ApiScope.ADMIN, r -> enable(r, true)),
                new ApiRoute("POST", BASE + "/{uuid}/disable", ApiScope.ADMIN, r -> enable(r, false)));
    }

    private ApiResponse add(ApiRequest r) {
        Integer expires = number(r, "expires", 3600);
        RemoteRegistration row = new RemoteRegistration(r.string("l_uuid"), r.string("l_username"), r.string("l_domain"), r.string("r_username"),
                r.string("r_domain"), r.string("realm"), r.string("auth_username"), r.string("auth_password"), r.string("auth_ha1"),
                r.string("auth_proxy"), expires, number(r, "flags", 0), number(r, "reg_delay", 0), r.string("contact_addr"), r.string("contact_user"));
        try {
            if (!table.add(row)) throw ApiResponse.fail(409, "remote registration " + row.lUuid() + " exists already");
        } catch (IllegalArgumentException e) {
            String[] fieldAndWhy = e.getMessage().split(": ", 2);
            throw ApiResponse.invalid(fieldAndWhy[0], fieldAndWhy.length > 1 ? fieldAndWhy[1] : e.getMessage());
        }
        return ApiResponse.json(201, json(table.find(row.lUuid()).orElseThrow()));
    }

    private static int number(ApiRequest r, String field, int dflt) {
        var e = r.body().get(field);
        if (e == null || e.isJsonNull()) return dflt;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw ApiResponse.invalid(field, "must be a number");
        return e.getAsInt();
    }

    private ApiResponse command(ApiRequest r, String command) {
        RemoteRegistration row = row(r);
        table.command(row.lUuid(), command);
        return ApiResponse.json(202, json(table.find(row.lUuid()).orElse(row)));
    }

    private ApiResponse enable(ApiRequest r, boolean on) {
        RemoteRegistration row = row(r);
        table.setDisabled(row.lUuid(), !on);
        return ApiResponse.json(202, json(table.find(row.lUuid()).orElse(row)));
    }

    private RemoteRegistration row(ApiRequest r) {
        return table.find(r.param("uuid")).orElseThrow(() -> ApiResponse.notFound("remote registration " + r.param("uuid")));
    }

    private static JsonObject json(RemoteRegistration r) {
        JsonObject o = new JsonObject();
        o.addProperty("l_uuid", r.lUuid());
        o.addProperty("local", r.lUsername() + "@" + r.lDomain());
        o.addProperty("remote", r.rUsername() + "@" + r.rDomain());
        o.addProperty("auth_username", r.authUsername());
        o.addProperty("auth_proxy", r.authProxy());
        o.addProperty("expires", r.expires());
        o.addProperty("disabled", r.disabled());
        o.addProperty("state", r.state());
        o.addProperty("last_status", r.lastStatus());
        o.addProperty("last_reason", r.lastReason());
        o.addProperty("attempts", r.attempts());
        o.addProperty("last_success", r.lastSuccess());
        o.addProperty("next_attempt", r.nextAttempt());
        o.addProperty("pending_command", r.command());
        return o;
    }
}
