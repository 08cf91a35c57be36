package io.pushgate.itest;

import static org.junit.Assert.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The management API of a running server, called over HTTP as an operator's tools would. */
final class ManagementClient {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final PushgateProcess server;

    ManagementClient(PushgateProcess server) {
        this.server = server;
    }

    /** A new key made with the CLI, as printed once. */
    String addKey(String name, String scope) throws Exception {
        PushgateProcess.CommandResult r = server.command("api-key", "add", name, "--scope", scope);
        assertEquals(r.output(), 0, r.exit());
        return r.output().lines().filter(l -> l.startsWith("pgk_")).findFirst().orElseThrow().strip();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.managementPort + "/pushgate" + path;
    }

    HttpResponse<String> call(String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the account has a live binding; false when it has none after {@code seconds}. */
    boolean awaitRegistered(String user, String key, long seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000;
        do {
            if (call("GET", "/api/v1/subscribers/" + user + "/devices", key, null).body().contains("\"registered\":true")) return true;
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        return false;
    }
}
