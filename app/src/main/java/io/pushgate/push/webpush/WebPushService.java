package io.pushgate.push.webpush;

import com.google.gson.JsonObject;
import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import io.pushgate.push.PushService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Posts each push to the browser's push resource (pn-prid), its payload encrypted to the
 * subscription's keys (pn-param {@code <p256dh>.<auth>}) and signed with our VAPID key, both by
 * Interaso's WebPush library. RFC 8030's answers: 201 accepted, 404/410 the subscription is gone,
 * 401/403 our VAPID token refused, 429 and 5xx retried.
 */
final class WebPushService implements PushService {
    /** Headers the JDK client sets itself and refuses from us. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection");

    private final WebPush webPush;
    private final Duration timeout;
    private final HttpClient http;

    WebPushService(String subject, VapidKeys keys, int timeoutSeconds, ExecutorService executor) {
        this.webPush = keys == null ? null : new WebPush(subject, keys);
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.http = keys == null ? null : HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
    }

    @Override
    public boolean serves(PushParams target) { return webPush != null && target.provider().equals("webpush"); }

    /** The VAPID public key a browser subscribes with (RFC 8599 sip.vapid). */
    @Override
    public List<String> featureCaps() {
        if (webPush == null) return List.of();
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(webPush.getVapidKeys().getApplicationServerKey());
        return List.of("+sip.vapid=\"" + key + "\"");
    }

    @Override
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        PushParams t = n.target();
        String endpoint = t.endpoint();
        String[] keys = t.param().split("\\.");
        Base64.Decoder b64 = Base64.getUrlDecoder();
        byte[] body = webPush.getBody(payload(n).toString().getBytes(StandardCharsets.UTF_8), b64.decode(keys[0]), b64.decode(keys[1]));
        boolean urgent = n.kind() == PushNotification.Kind.CALL || n.kind().endsCall();
        Map<String, String> headers = webPush.getHeaders(endpoint, (int) Math.max(1, n.ttl().toSeconds()),
                n.collapseId(), urgent ? WebPush.Urgency.High : WebPush.Urgency.Normal);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) request.header(name, value);
        });
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> outcome(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null)))
                .exceptionally(e -> PushOutcome.transientFailure("webpush", String.valueOf(e.getCause() == null ? e : e.getCause()), null));
    }

    static PushOutcome outcome(int status, String retryAfter) {
        return PushOutcome.ofDeviceResource("webpush", status, retryAfter);
    }

    /** What the page's service worker reads once the browser has decrypted it. */
    static JsonObject payload(PushNotification n) {
        JsonObject d = new JsonObject();
        d.addProperty("type", n.kind().token());
        d.addProperty("call-id", n.callId());
        d.addProperty("caller", n.caller());
        d.addProperty("callee", n.callee());
        return d;
    }

    @Override
    public void close() {
        // The HTTP client has no close on Java 17; its threads belong to the shared push executor.
    }
}
