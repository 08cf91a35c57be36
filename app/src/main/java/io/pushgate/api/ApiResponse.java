package io.pushgate.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status and a JSON document, or bytes of another type (a PNG). Errors
 * are thrown as {@link Failure} and become {"error": ..., "fields": {...}} with their status.
 */
public record ApiResponse(int status, JsonElement json, byte[] bytes, String contentType, Map<String, String> headers) {
    public static ApiResponse json(int status, JsonElement body) {
        return new ApiResponse(status, body, null, "application/json", Map.of());
    }

    public static ApiResponse ok(JsonElement body) {
        return json(200, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, null, Map.of());
    }

    public static ApiResponse bytes(byte[] body, String contentType) {
        return new ApiResponse(200, null, body, contentType, Map.of());
    }

    /** An error answer; {@code fields} names what was wrong with which field (422). */
    public static final class Failure extends RuntimeException {
        final int status;
        final Map<String, String> fields;

        public Failure(int status, String message, Map<String, String> fields) {
            super(message);
            this.status = status;
            this.fields = fields;
        }

        ApiResponse response() {
            JsonObject o = new JsonObject();
            o.addProperty("error", getMessage());
            if (!fields.isEmpty()) {
                JsonObject f = new JsonObject();
                fields.forEach(f::addProperty);
                o.add("fields", f);
            }
            return json(status, o);
        }
    }

    public static Failure fail(int status, String message) {
        return new Failure(status, message, Map.of());
    }

    /** 422: one field is wrong. */
    public static Failure invalid(String field, String why) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(field, why);
        return new Failure(422, "invalid request", f);
    }

    public static Failure notFound(String what) {
        return fail(404, what + " not found");
    }
}
