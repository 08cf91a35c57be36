package io.pushgate.runtime;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pushgate.api.ApiKeys;
import io.pushgate.api.ApiScope;
import io.pushgate.api.ManagementSettings;
import io.pushgate.store.Database;
import io.pushgate.trace.CallTrace;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code pushgate trace CALL-ID}: the running server's trace of a call, printed a line per event;
 * {@code pushgate trace --recent [N]}: the newest traced calls. The traces live in the server's
 * memory, so this asks its management API, with a read key made for the one call and revoked after.
 */
final class TraceCommand {
    private final Database db;
    private final ManagementSettings management;
    private final PrintStream out;
    private final PrintStream err;

    TraceCommand(Database db, ManagementSettings management, PrintStream out, PrintStream err) {
        this.db = db;
        this.management = management;
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.isEmpty() || args.size() > 2) return usage();
        boolean recent = args.get(0).equals("--recent");
        if (!recent && args.size() != 1) return usage();
        if (!management.enabled()) {
            err.println("pushgate: the management listener is off ([management] port = 0); traces are read through it");
            return 1;
        }
        String path;
        if (recent) {
            int n;
            try {
                n = args.size() == 2 ? Integer.parseInt(args.get(1)) : 20;
            } catch (NumberFormatException e) {
                return usage();
            }
            path = "/api/v1/calls?limit=" + Math.max(1, Math.min(n, 1000));
        } else {
            path = "/api/v1/calls/" + URLEncoder.encode(args.get(0), StandardCharsets.UTF_8);
        }
        ApiKeys keys = new ApiKeys(db, System::currentTimeMillis);
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        String name = "cli-trace-" + HexFormat.of().formatHex(id);
        String key = keys.add(name, ApiScope.READ);
        try {
            HttpResponse<String> r = LocalManagement.client(management, Duration.ofSeconds(5)).send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                err.println("pushgate: no trace of call " + args.get(0) + " (ended calls are kept [trace] retention minutes)");
                return 1;
            }
            if (r.statusCode() != 200) {
                err.println("pushgate: the server answered " + r.statusCode() + ": " + r.body());
                return 1;
            }
            JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
            if (recent) {
                for (var e : body.getAsJsonArray("calls")) {
                    JsonObject c = e.getAsJsonObject();
                    out.println(c.get("callId").getAsString() + "\t" + c.get("callee").getAsString() + "\t"
                            + (c.has("outcome") ? c.get("outcome").getAsString() : "waiting"));
                }
            } else {
                out.print(CallTrace.text(body));
            }
            return 0;
        } catch (IOException e) {
            err.println("pushgate: cannot reach the server's management listener at " + base() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            keys.revoke(name);
        }
    }

    private String base() {
        return LocalManagement.baseUrl(management);
    }

    private int usage() {
        err.println("usage: pushgate trace CALL-ID | --recent [N]");
        return 2;
    }
}
