package io.pushgate.push;

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
                    if (o.accepted()) log.info("{} push for call {} to {} accepted by {}", n.kind(), n.callId(), n.target().param(), o.provider());
                    else log.warn("{} push for call {} to {} failed at {}{}: {}", n.kind(), n.callId(), n.target().param(), o.provider(),
                            o.tokenGone() ? " (token no longer valid)" : "", o.reason());
                });
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
