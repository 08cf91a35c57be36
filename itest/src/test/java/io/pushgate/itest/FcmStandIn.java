package io.pushgate.itest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 API (Google's servers cannot
 * run here). It hands out one access token and records every message with the token it carried.
 * The service-account file it writes has a real RSA key, so Google's auth library signs a real JWT.
 */
public final class FcmStandIn implements AutoCloseable {
    public static final String PROJECT = "pushgate-test";
    private static final String ACCESS_TOKEN = "ya29.test-access-token";

    /** One FCM send request: the path, the Authorization header, the JSON body and when it came (System.nanoTime). */
    public record Message(String path, String authorization, String body, long receivedAt) {}

    /** One scripted answer: an HTTP status and its Retry-After header (or null). */
    private record Answer(int status, String retryAfter) {}

    private final HttpServer server;
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private volatile int status = 200;
    private final java.util.Queue<Answer> next = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Device tokens answered 404 UNREGISTERED, as for an app that was uninstalled. */
    public final java.util.Set<String> deadTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    public final Path appDir;

    private FcmStandIn(Path dir) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", ex -> {
            String grant = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean jwt = grant.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") && grant.contains("assertion=");
            reply(ex, jwt ? 200 : 400, jwt ? "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
                    : "{\"error\":\"invalid_grant\"}");
        });
        server.createContext("/v1/projects/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            received.add(new Message(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"), body, System.nanoTime()));
            if (deadTokens.stream().anyMatch(t -> body.contains("\"token\":\"" + t + "\""))) {
                reply(ex, 404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\","
                        + "\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}");
                return;
            }
            Answer scripted = next.poll();
            int s = scripted == null ? status : scripted.status();
            if (scripted != null && scripted.retryAfter() != null) ex.getResponseHeaders().set("Retry-After", scripted.retryAfter());
            reply(ex, s, s == 200 ? "{\"name\":\"projects/" + PROJECT + "/messages/1\"}"
                    : "{\"error\":{\"code\":" + s + ",\"message\":\"Internal error\",\"status\":\"INTERNAL\"}}");
        });
        server.start();
        appDir = Files.createDirectories(dir.resolve("fcm"));
        Path key = dir.resolve("fcm-account.key");
        MockApns.openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        String pem = Files.readString(key).replace("\n", "\\n");
        Files.writeString(appDir.resolve(PROJECT + ".json"), """
                {"type":"service_account","project_id":"%s","private_key_id":"k1","private_key":"%s",
                 "client_email":"pushgate@%s.iam.gserviceaccount.com","client_id":"1",
                 "token_uri":"%s/token"}
                """.formatted(PROJECT, pem, PROJECT, baseUrl()));
    }

    public static FcmStandIn start(Path dir) throws Exception {
        return new FcmStandIn(dir);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String config() {
        return """
                [push-fcm]
                dir = %s
                url = %s
                """.formatted(appDir, baseUrl());
    }

    /** Answer the next FCM send with this status and Retry-After (null for none), then as before. */
    public void answerOnce(int status, String retryAfter) { next.add(new Answer(status, retryAfter)); }

    /** Answer every FCM send with this HTTP status from now on. */
    public void answer(int status) { this.status = status; }

    /** How many sends for this device token arrived so far. */
    public long count(String token) {
        return bodies.stream().filter(b -> b.contains("\"token\":\"" + token + "\"")).count();
    }

    public Message next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    public static String expectedAuthorization() { return "Bearer " + ACCESS_TOKEN; }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
