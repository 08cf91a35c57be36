package io.pushgate.push.webhook;

import com.google.gson.JsonObject;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import io.pushgate.push.PushService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts each push as JSON to the operator's backend. The body is signed: {@code
 * X-Pushgate-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">}, so the backend can
 * check who sent it and refuse replays of old ones. The backend's status says what became of it
 * (docs/push.md): 2xx accepted, 404 or 410 the token is dead, 401/403 our key is refused, 429 and
 * 5xx are retried.
 */
final class WebhookService implements PushService {
    static final String SIGNATURE_HEADER = "X-Pushgate-Signature";

    private final Set<String> providers;
    private final URI url;
    private final byte[] secret;
    private final Duration timeout;
    private final HttpClient http;

    WebhookService(WebhookSettings settings, byte[] secret, int timeoutSeconds, ExecutorService executor) {
        this.providers = settings.enabled() ? Set.copyOf(settings.providers()) : Set.of();
        this.url = settings.enabled() ? URI.create(settings.url()) : null;
        this.secret = secret;
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.http = settings.enabled() ? HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build() : null;
    }

    @Override
    public boolean serves(PushParams target) { return providers.contains(target.provider()); }

    @Override
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        String body = document(n).toString();
        long t = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=UTF-8")
                .header(SIGNATURE_HEADER, "t=" + t + ",v1=" + sign(secret, t + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> outcome(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null)))
                .exceptionally(e -> PushOutcome.transientFailure("webhook", String.valueOf(e.getCause() == null ? e : e.getCause()), null));
    }

    static PushOutcome outcome(int status, String retryAfter) {
        return PushOutcome.ofDeviceResource("webhook", status, retryAfter);
    }

    static JsonObject document(PushNotification n) {
        JsonObject d = new JsonObject();
        d.addProperty("type", n.kind().token());
        d.addProperty("call-id", n.callId());
        d.addProperty("caller", n.caller());
        d.addProperty("callee", n.callee());
        d.addProperty("pn-provider", n.target().provider());
        d.addProperty("pn-prid", n.target().prid());
        if (n.target().param() != null) d.addProperty("pn-param", n.target().param());
        d.addProperty("ttl", n.ttl().toSeconds());
        return d;
    }

    static String sign(byte[] secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        // The HTTP client has no close on Java 17; its threads belong to the shared push executor.
    }
}
