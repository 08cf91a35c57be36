package io.pushgate.push;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the push service for a device and logs every outcome with the provider's reason. */
public final class PushDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    static final Counter PUSHES = Counter.builder().withoutExemplars().name("pushgate_pushes")
            .help("Pushes by provider, kind (call, missed_call, message) and outcome (accepted, refused, token_gone).")
            .labelNames("provider", "kind", "outcome").register();
    static final Histogram LATENCY = Histogram.builder().withoutExemplars().name("pushgate_push_provider_seconds")
            .help("Time from handing a push to its provider to the provider's answer (or the timeout).")
            .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .labelNames("provider").register();
    static final Counter TOKENS_GONE = Counter.builder().withoutExemplars().name("pushgate_push_tokens_invalidated")
            .help("Push tokens the provider called dead (APNs Unregistered, FCM UNREGISTERED); the device is forgotten.")
            .labelNames("provider").register();
    private static final java.util.Set<String> PROVIDERS = java.util.Set.of("apns", "apns.dev", "fcm", "webpush");

    private final ExecutorService executor;
    private final List<PushService> services;
    private final int timeoutSeconds;

    public PushDispatcher(PushSettings settings) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "pushgate-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timeoutSeconds = settings.timeoutSeconds();
        this.services = List.of(new ApnsService(settings), new FcmService(settings, executor));
    }

    /** Sends without waiting; the returned future always completes, with a refusal on any failure. */
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        long started = System.nanoTime();
        PushService service = null;
        for (PushService s : services) if (s.serves(n.target())) service = s;
        CompletableFuture<PushOutcome> result;
        if (service == null) {
            result = CompletableFuture.completedFuture(PushOutcome.refused(n.target().provider(),
                    "no credentials configured for " + n.target().param()));
        } else {
            try {
                result = service.send(n).completeOnTimeout(PushOutcome.refused(n.target().provider(), "timed out"), timeoutSeconds, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                result = CompletableFuture.completedFuture(PushOutcome.refused(n.target().provider(), e.toString()));
            }
        }
        return result.exceptionally(e -> PushOutcome.refused(n.target().provider(), e.toString()))
                .whenComplete((o, e) -> {
                    count(n, o, System.nanoTime() - started);
                    if (o.accepted()) log.info("{} push for call {} to {} accepted by {}", n.kind(), n.callId(), n.target().param(), o.provider());
                    else log.warn("{} push for call {} to {} failed at {}{}: {}", n.kind(), n.callId(), n.target().param(), o.provider(),
                            o.tokenGone() ? " (token no longer valid)" : "", o.reason());
                });
    }

    private static void count(PushNotification n, PushOutcome o, long nanos) {
        String provider = PROVIDERS.contains(n.target().provider()) ? n.target().provider() : "other";
        PUSHES.labelValues(provider, n.kind().name().toLowerCase(java.util.Locale.ROOT), o.accepted() ? "accepted" : o.tokenGone() ? "token_gone" : "refused").inc();
        LATENCY.labelValues(provider).observe(nanos / 1e9);
        if (o.tokenGone()) TOKENS_GONE.labelValues(provider).inc();
    }

    @Override
    public void close() {
        for (PushService s : services) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("closing push service: {}", e.toString());
            }
        }
        executor.shutdownNow();
    }
}
