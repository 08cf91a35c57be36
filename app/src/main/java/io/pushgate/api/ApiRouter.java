package io.pushgate.api;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's front: finds the route, checks the key and its scope, reads the JSON body,
 * calls the handler and turns failures into their status. A key is sent as
 * {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}; no key, a wrong one or a revoked one
 * is 401, a key without the route's scope 403, and a source that keeps failing is locked out (429).
 */
public final class ApiRouter {
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

    private final List<ApiRoute> routes = new ArrayList<>();
    private final ApiKeys keys;
    private final FailureThrottle throttle;

    public ApiRouter(ApiKeys keys, FailureThrottle throttle) {
        this.keys = keys;
        this.throttle = throttle;
    }

    public ApiRouter add(List<ApiRoute> more) {
        routes.addAll(more);
        return this;
    }

    public List<ApiRoute> routes() { return List.copyOf(routes); }

    /** One HTTP call; {@code headers} are looked up by lower-case name. */
    public ApiResponse dispatch(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body, String source) {
        try {
            ApiRoute route = null;
            Map<String, String> params = null;
            Set<String> allowed = new TreeSet<>();
            for (ApiRoute r : routes) {
                Map<String, String> p = r.match(path);
                if (p == null) continue;
                allowed.add(r.method());
                if (r.method().equals(method)) {
                    route = r;
                    params = p;
                    break;
                }
            }
            if (route == null && allowed.isEmpty()) return ApiResponse.notFound("route " + path).response();
            if (route == null) {
                ApiResponse r = ApiResponse.fail(405, method + " not allowed here").response();
                return new ApiResponse(r.status(), r.json(), null, r.contentType(), Map.of("Allow", String.join(", ", allowed)));
            }
            ApiKey key = null;
            if (route.scope() != null) {
                long locked = throttle.lockedFor(source);
                if (locked > 0) {
                    ApiResponse r = ApiResponse.fail(429, "too many failed attempts").response();
                    return new ApiResponse(429, r.json(), null, r.contentType(), Map.of("Retry-After", Long.toString(locked)));
                }
                key = keys.verify(presentedKey(headers)).orElse(null);
                if (key == null) {
                    throttle.failed(source);
                    log.info("api {} {} from {}: no valid key", method, path, source);
                    ApiResponse r = ApiResponse.fail(401, "a valid API key is needed").response();
                    return new ApiResponse(401, r.json(), null, r.contentType(), Map.of("WWW-Authenticate", "Bearer realm=\"pushgate\""));
                }
                throttle.succeeded(source);
                if (!key.scope().allows(route.scope())) {
                    return ApiResponse.fail(403, "the key's scope " + key.scope().token() + " does not allow this; it needs " + route.scope().token()).response();
                }
            }
            JsonObject json = body(method, headers, body);
            ApiResponse answer = route.handler().handle(new ApiRequest(method, path, params, query, json, source, key));
            if (!method.equals("GET")) audit(method, path, source, key, answer.status());
            return answer;
        } catch (ApiResponse.Failure f) {
            return f.response();
        } catch (StoreUnavailableException e) {
            log.warn("{} {} answered 503: {}", method, path, e.getMessage());
            ApiResponse r = ApiResponse.fail(503, "database unavailable").response();
            return new ApiResponse(503, r.json(), null, r.contentType(), Map.of("Retry-After", "10"));
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, path, e);
            return ApiResponse.fail(500, "internal error").response();
        }
    }

    /** Who changed what: the route and the key's name, never the body (it may hold a password). */
    private static void audit(String method, String path, String source, ApiKey key, int status) {
        log.info("api {} {} by key {} from {}: {}", method, path, key == null ? "-" : key.name(), source, status);
    }

    /**
     * A call made inside the server for someone the container already authenticated (the
     * console's pages): the route's handler, without a key. Failures come back as their response.
     */
    public ApiResponse callInternally(String method, String path, Map<String, String> query) {
        for (ApiRoute r : routes) {
            Map<String, String> params = r.match(path);
            if (params == null || !r.method().equals(method)) continue;
            try {
                return r.handler().handle(new ApiRequest(method, path, params, query, new JsonObject(), "console", null));
            } catch (ApiResponse.Failure f) {
                return f.response();
            }
        }
        return ApiResponse.notFound("route " + path).response();
    }

    private static String presentedKey(Map<String, String> headers) {
        String auth = headers.get("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).strip();
        return headers.get("x-api-key");
    }

    /** The JSON object a write carries; none is an empty object. */
    private static JsonObject body(String method, Map<String, String> headers, byte[] body) {
        if (body == null || body.length == 0 || method.equals("GET") || method.equals("DELETE")) return new JsonObject();
        String type = headers.getOrDefault("content-type", "");
        if (!type.toLowerCase().startsWith("application/json")) throw ApiResponse.fail(415, "the body must be application/json");
        try {
            var parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) throw ApiResponse.fail(400, "the body must be a JSON object");
            return parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw ApiResponse.fail(400, "the body is not JSON");
        }
    }
}
