package io.pushgate.trace;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiScope;
import java.util.List;

/** The traces in the management API: {@code /api/v1/calls} (recent) and {@code /api/v1/calls/{call-id}}. */
public final class CallTraceApi {
    private final CallTraces traces;

    public CallTraceApi(CallTraces traces) {
        this.traces = traces;
    }

    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute("GET", "/api/v1/calls", ApiScope.READ, r -> {
                    JsonArray a = new JsonArray();
                    for (CallTrace t : traces.recent(r.intQuery("limit", 50, 1, 1000))) {
                        JsonObject o = t.json();
                        o.remove("events");
                        a.add(o);
                    }
                    JsonObject o = new JsonObject();
                    o.add("calls", a);
                    return ApiResponse.ok(o);
                }),
                new ApiRoute("GET", "/api/v1/calls/{call-id}", ApiScope.READ, r -> ApiResponse.ok(traces.find(r.param("call-id"))
                        .orElseThrow(() -> ApiResponse.notFound("trace of call " + r.param("call-id"))).json())));
    }
}
