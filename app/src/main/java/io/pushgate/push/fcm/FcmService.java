package io.pushgate.push.fcm;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.gson.JsonObject;
import io.pushgate.config.ConfigException;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import io.pushgate.push.PushService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FCM HTTP v1: one Google service account per project ({@code <project-id>.json} in the fcm
 * directory of [push-fcm]). Access tokens come from Google's auth library, which caches and refreshes them;
 * that call may block, so it runs on the push executor, never on a SIP thread.
 */
final class FcmService implements PushService {
    private static final Logger log = LoggerFactory.getLogger(FcmService.class);
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final Map<String, GoogleCredentials> projects = new HashMap<>();
    private final String baseUrl;
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient http;

    FcmService(FcmSettings settings, int timeoutSeconds, ExecutorService executor) {
        this.baseUrl = settings.url().replaceAll("/+$", "");
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.executor = executor;
        projects.putAll(readProjects(settings));
        // A client only for apps that exist: on Java 17 it cannot be closed, its selector thread
        // lives until the client is collected, and most roles have no FCM app.
        this.http = projects.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
    }

    /** Reads every service-account file (no token is fetched): what check-config verifies and the service uses. */
    static Map<String, GoogleCredentials> readProjects(FcmSettings settings) {
        Path dir = settings.dir();
        Map<String, GoogleCredentials> found = new HashMap<>();
        if (dir.toString().isEmpty() || !Files.isDirectory(dir)) {
            log.info("FCM: no app directory at {}, FCM pushes disabled", dir);
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String project = f.getFileName().toString().replaceFirst("\\.json$", "");
                try (InputStream in = Files.newInputStream(f)) {
                    found.put(project, GoogleCredentials.fromStream(in).createScoped(List.of(SCOPE)));
                } catch (IOException | RuntimeException e) {
                    throw new ConfigException(FcmSettings.DIR.qualifiedName(), f + ": not a service-account file: " + e.getMessage());
                }
                log.info("FCM: project {} ready", project);
            }
        } catch (IOException e) {
            throw new ConfigException(FcmSettings.DIR.qualifiedName(), "cannot read " + dir + ": " + e.getMessage());
        }
        return found;
    }

    @Override
    public boolean serves(PushParams target) {
        return target.provider().equals("fcm") && projects.containsKey(target.param());
    }

    @Override
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        GoogleCredentials credentials = projects.get(n.target().param());
        if (credentials == null) {
            return CompletableFuture.completedFuture(PushOutcome.refused("fcm", "no credentials for project " + n.target().param()));
        }
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        credentials.refreshIfExpired();
                        AccessToken token = credentials.getAccessToken();
                        if (token == null) throw new IOException("no access token");
                        return token.getTokenValue();
                    } catch (IOException e) {
                        throw new CredentialsRefused(e);
                    }
                }, executor)
                .thenCompose(token -> http.sendAsync(request(n, token), HttpResponse.BodyHandlers.ofString()))
                .thenApply(FcmService::outcome)
                .exceptionally(e -> e.getCause() instanceof CredentialsRefused c
                        ? PushOutcome.credentials("fcm", "access token refused: " + rootMessage(c))
                        : PushOutcome.transientFailure("fcm", rootMessage(e), null));
    }

    /** Google's token endpoint refused the service account (revoked key, wrong file). */
    private static final class CredentialsRefused extends RuntimeException {
        CredentialsRefused(IOException e) { super(e); }
    }

    /**
     * HTTP v1 names a token that will never work again with errorCode UNREGISTERED (HTTP 404), and
     * a token that never was one with INVALID_ARGUMENT about the registration token. A bare 404
     * can also be a wrong project or URL, which must not make the device forgotten. 401 is our
     * service account; 429 and 5xx are retried, after Retry-After when given.
     */
    private static PushOutcome outcome(HttpResponse<String> r) {
        if (r.statusCode() == 200) return PushOutcome.accepted("fcm", messageName(r.body()));
        String body = r.body() == null ? "" : r.body();
        String reason = "HTTP " + r.statusCode() + " " + abbreviate(body);
        if (body.contains("\"UNREGISTERED\"")) return PushOutcome.tokenGone("fcm", reason);
        if (r.statusCode() == 400 && body.contains("INVALID_ARGUMENT") && body.toLowerCase(java.util.Locale.ROOT).contains("registration token")) {
            return PushOutcome.tokenGone("fcm", reason);
        }
        if (body.contains("THIRD_PARTY_AUTH_ERROR")) return PushOutcome.credentials("fcm", reason);
        return PushOutcome.ofHttpStatus("fcm", r.statusCode(), reason, r.headers().firstValue("Retry-After").orElse(null));
    }

    /** The message's name in FCM's answer ({"name": "projects/.../messages/..."}), or null. */
    private static String messageName(String body) {
        try {
            com.google.gson.JsonElement name = com.google.gson.JsonParser.parseString(body).getAsJsonObject().get("name");
            return name == null || !name.isJsonPrimitive() ? null : name.getAsString();
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private HttpRequest request(PushNotification n, String accessToken) {
        JsonObject data = new JsonObject();
        data.addProperty("type", n.kind().token());
        String locKey = n.kind() == PushNotification.Kind.MESSAGE ? n.target().msgStr()
                : n.kind() == PushNotification.Kind.CALL ? n.target().callStr() : null;
        if (locKey != null) data.addProperty("loc-key", locKey);
        data.addProperty("call-id", n.callId());
        data.addProperty("caller", n.caller());
        JsonObject android = new JsonObject();
        // Only what must ring now is high priority; Android rations high-priority messages per app.
        boolean urgent = n.kind() == PushNotification.Kind.CALL || n.kind().endsCall();
        android.addProperty("priority", urgent && !n.target().silent() ? "high" : "normal");
        android.addProperty("ttl", n.ttl().toSeconds() + "s");
        android.addProperty("collapse_key", n.collapseId());
        JsonObject message = new JsonObject();
        message.addProperty("token", n.target().prid());
        message.add("data", data);
        message.add("android", android);
        JsonObject body = new JsonObject();
        body.add("message", message);
        return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/projects/" + n.target().param() + "/messages:send"))
                .timeout(timeout)
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private static String abbreviate(String s) {
        s = s == null ? "" : s.replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        // The HTTP client has no close on Java 17; its threads belong to the shared push executor.
    }
}
