package io.pushgate.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * One call of the management API as a handler sees it: its path parameters ({user}, ...), its
 * query, its JSON body (an empty object when it has none) and who called.
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query, JsonObject body,
                         String source, ApiKey key) {
    public String param(String name) { return pathParams.get(name); }

    public String query(String name, String dflt) {
        String v = query.get(name);
        return v == null ? dflt : v;
    }

    /** A string field of the body, or null when absent. Not a string: a validation error naming it. */
    public String string(String field) {
        JsonElement e = body.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw ApiResponse.invalid(field, "must be a string");
        return e.getAsString();
    }

    /** A boolean field of the body, or null when absent. */
    public Boolean bool(String field) {
        JsonElement e = body.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw ApiResponse.invalid(field, "must be true or false");
        return e.getAsBoolean();
    }

    public int intQuery(String name, int dflt, int min, int max) {
        String v = query.get(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw ApiResponse.invalid(name, "between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ApiResponse.invalid(name, "a whole number");
        }
    }
}
