package io.pushgate.push;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.pushgate.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each push to the service of its pn-provider and stands behind the result: one push per
 * kind, call and device however often it is asked for; transient failures retried with backoff
 * and jitter (or after Retry-After) within the push's time to live; a dead token told to the
 * listeners that forget the device; refused credentials reported once, not per push.
 */
public final class PushDispatcher implements PushCapabilities, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    static final Counter PUSHES = Counter.builder().withoutExemplars().name("pushgate_pushes")
            .help("Pushes by provider, kind and outcome (accepted, refused, token_gone, transient, credentials), after retries.")
            .labelNames("provider", "kind", "outcome").register();
    static final Histogram LATENCY = Histogram.builder().withoutExemplars().name("pushgate_push_provider_seconds")
            .help("Time from handing a push to its provider to the provider's final answer, retries included.")
            .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .labelNames("provider").register();
    static final Counter TOKENS_GONE = Counter.builder().withoutExemplars().name("pushgate_push_tokens_invalidated")
            .help("Push tokens the provider called dead (APNs 410/BadDeviceToken, FCM UNREGISTERED, webhook 404/410); the device is forgotten.")
            .labelNames("provider").register();
    static final Counter RETRIES = Counter.builder().withoutExemplars().name("pushgate_push_retries")
            .help("Pushes sent again after a transient failure.").labelNames("provider").register();
    static final Counter DEDUPLICATED = Counter.builder().withoutExemplars().name("pushgate_pushes_deduplicated")
            .help("Pushes not sent because the same kind of push for the same call already went to that device.")
            .labelNames("kind").register();
    static final Gauge CREDENTIALS_FAILING = Gauge.builder().withoutExemplars().name("pushgate_push_credentials_failing")
            .help("Apps whose credentials the provider refuses (expired APNs provider token, FCM 401); 0 when all work.")
            .labelNames("provider").register();

    /** Told of every token a provider called dead, with the push that found it. */
    public interface TokenGoneListener extends BiConsumer<PushNotification, PushOutcome> {}

    private record Sent(CompletableFuture<PushOutcome> outcome, long until) {}

    /** One provider and the service it opened from the credential files as they were when stamped. */
    private static final class Slot {
        final PushProvider provider;
        /** The pn-provider values it takes: fixed by the configuration, read once. */
        final Set<String> takes;
        volatile PushService service;
        volatile String stamp;

        Slot(PushProvider provider, Set<String> takes, PushService service, String stamp) {
            this.provider = provider;
            this.takes = takes;
            this.service = service;
            this.stamp = stamp;
        }
    }

    /** How far ahead an expiring certificate is warned about. */
    static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(30);

    private final Config config;
    private final ExecutorService executor;
    private final java.util.concurrent.ScheduledExecutorService watcher;
    private final List<Slot> slots = new ArrayList<>();
    private final Set<String> providers = new HashSet<>();
    private final PushSettings settings;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    /** Size of {@link #sent} at which expired entries are next swept out; doubles with what stays. */
    private volatile int sweepAt = 1024;
    private final Set<String> failingCredentials = ConcurrentHashMap.newKeySet();
    private final List<TokenGoneListener> tokenListeners = new CopyOnWriteArrayList<>();

    /** Opens every provider's service; a provider listed later takes the pn-provider values it shares with an earlier one. */
    public PushDispatcher(Config config, List<PushProvider> pushProviders) {
        this.config = config;
        this.settings = PushSettings.from(config);
        this.sweepAt = Math.min(sweepAt, settings.rememberedMax());
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "pushgate-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (PushProvider p : pushProviders) {
            Set<String> takes = Set.copyOf(p.providers(config));
            slots.add(0, new Slot(p, takes, p.open(config, executor), p.credentialsStamp(config)));
            providers.addAll(takes);
        }
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-push-credentials");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reopenChanged, settings.credentialsCheckSeconds(), settings.credentialsCheckSeconds(), TimeUnit.SECONDS);
        watcher.scheduleAtFixedRate(this::warnExpiring, 0, 1, TimeUnit.DAYS);
    }

    /** Reopens the services whose credential files changed; files that fail the check leave the running service as it was. */
    void reopenChanged() {
        for (Slot slot : slots) {
            String now = slot.provider.credentialsStamp(config);
            if (now.equals(slot.stamp)) continue;
            slot.stamp = now;
            PushService fresh;
            try {
                slot.provider.check(config);
                fresh = slot.provider.open(config, executor);
            } catch (RuntimeException e) {
                log.error("changed push credentials not taken, the previous ones stay in use: {}", e.getMessage());
                continue;
            }
            PushService old = slot.service;
            slot.service = fresh;
            log.info("push credentials re-read for {}", slot.takes);
            // pushes already handed to the old service finish there
            watcher.schedule(old::close, settings.timeoutSeconds(), TimeUnit.SECONDS);
        }
    }

    private void warnExpiring() {
        for (Slot slot : slots) {
            try {
                for (String what : slot.provider.expiringBefore(config, java.time.Instant.now().plus(EXPIRY_WARNING))) {
                    log.warn("{}: renew it, pushes of that app fail once it has expired", what);
                }
            } catch (RuntimeException e) {
                log.warn("expiry of push credentials not checked: {}", e.toString());
            }
        }
    }

    @Override
    public boolean supports(String provider) { return providers.contains(provider); }

    @Override
    public List<String> featureCaps(String provider) {
        for (Slot s : slots) if (s.takes.contains(provider)) return s.service.featureCaps();
        return List.of();
    }

    public void onTokenGone(TokenGoneListener listener) { tokenListeners.add(listener); }

    /** A hard bound on what is remembered: past it, the pushes closest to expiry go (a second push becomes possible for them). */
    private void forgetBeyondMax(long now) {
        int excess = sent.size() - settings.rememberedMax() * 3 / 4;
        if (sent.size() <= settings.rememberedMax() || excess <= 0) return;
        sent.entrySet().stream().sorted(java.util.Comparator.comparingLong(e -> e.getValue().until() - now)).limit(excess)
                .map(Map.Entry::getKey).toList().forEach(sent::remove);
        log.warn("more than [push] remembered-max = {} pushes within their time to live: {} forgotten early", settings.rememberedMax(), excess);
    }

    /**
     * Sends without waiting; the returned future always completes, with the final outcome after
     * any retries. The same kind of push for the same call and device is sent once: asking again
     * returns the first one's outcome.
     */
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        long now = System.nanoTime();
        String key = n.kind() + "\n" + n.callId() + "\n" + n.target().provider() + "\n" + n.target().prid();
        if (sent.size() > sweepAt) {
            // not on every push: with many calls live, a sweep that frees nothing would run each time
            sent.values().removeIf(s -> s.until() - now < 0);
            forgetBeyondMax(now);
            sweepAt = Math.min(settings.rememberedMax(), Math.max(1024, 2 * sent.size()));
        }
        Sent fresh = new Sent(new CompletableFuture<>(), now + n.ttl().toNanos());
        Sent first = sent.putIfAbsent(key, fresh);
        if (first != null && first.until() - now > 0) {
            DEDUPLICATED.labelValues(n.kind().token()).inc();
            log.info("{} push for call {} to {} already sent, not again", n.kind(), n.callId(), n.target().app());
            return first.outcome();
        }
        if (first != null) sent.put(key, fresh);
        PushService service = null;
        for (Slot s : slots) if (service == null && s.service.serves(n.target())) service = s.service;
        CompletableFuture<PushOutcome> result = service == null
                ? CompletableFuture.completedFuture(PushOutcome.refused(n.target().provider(), "no push service for "
                        + n.target().provider() + " " + n.target().app()))
                : attempt(service, n, now + n.ttl().toNanos(), 1);
        result.handle((o, e) -> o != null ? o : PushOutcome.refused(n.target().provider(), String.valueOf(e))).thenAccept(o -> {
            try {
                finished(n, o, System.nanoTime() - now);
            } finally {
                fresh.outcome().complete(o);
            }
        });
        return fresh.outcome();
    }

    private CompletableFuture<PushOutcome> attempt(PushService service, PushNotification n, long deadline, int attempt) {
        CompletableFuture<PushOutcome> once;
        try {
            once = service.send(n);
        } catch (RuntimeException e) {
            once = CompletableFuture.completedFuture(PushOutcome.refused(n.target().provider(), e.toString()));
        }
        return once.completeOnTimeout(PushOutcome.transientFailure(n.target().provider(), "timed out", null),
                        settings.timeoutSeconds(), TimeUnit.SECONDS)
                .exceptionally(e -> PushOutcome.transientFailure(n.target().provider(), e.toString(), null))
                .thenCompose(o -> {
                    long delayMs = o.status() == PushOutcome.Status.TRANSIENT && attempt < settings.attempts() ? delayMs(o, attempt) : -1;
                    if (delayMs < 0 || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) >= deadline) {
                        return CompletableFuture.completedFuture(o.afterAttempts(attempt));
                    }
                    RETRIES.labelValues(label(n)).inc();
                    log.info("{} push for call {} to {}: {} ({}), try {} in {} ms", n.kind(), n.callId(), n.target().app(),
                            o.provider(), o.reason(), attempt + 1, delayMs);
                    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, executor))
                            .thenCompose(x -> attempt(service, n, deadline, attempt + 1));
                });
    }

    /** Retry-After when given (none beyond retry-max), else retry-base doubled per try, between half and all of it. */
    long delayMs(PushOutcome o, int attempt) {
        long max = settings.retryMaxSeconds() * 1000L;
        if (o.retryAfter() != null) return o.retryAfter().toMillis() > max ? -1 : o.retryAfter().toMillis();
        long full = Math.min(max, settings.retryBaseMs() * (1L << Math.min(attempt - 1, 20)));
        return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    }

    private void finished(PushNotification n, PushOutcome o, long nanos) {
        String provider = label(n);
        String app = o.provider() + " " + n.target().app();
        PUSHES.labelValues(provider, n.kind().token(), o.status().name().toLowerCase(Locale.ROOT)).inc();
        LATENCY.labelValues(provider).observe(nanos / 1e9);
        switch (o.status()) {
            case ACCEPTED -> {
                if (failingCredentials.remove(app)) {
                    CREDENTIALS_FAILING.labelValues(provider).dec();
                    log.info("credentials of {} work again", app);
                }
                log.info("{} push for call {} to {} accepted by {}{}", n.kind(), n.callId(), n.target().app(), o.provider(), tries(o));
            }
            case CREDENTIALS -> {
                if (failingCredentials.add(app)) {
                    CREDENTIALS_FAILING.labelValues(provider).inc();
                    log.error("credentials of {} refused: {}; no push of this app can be delivered until they are fixed", app, o.reason());
                }
            }
            case TOKEN_GONE -> {
                TOKENS_GONE.labelValues(provider).inc();
                log.warn("{} push for call {} to {} failed at {}: token no longer valid ({}); the device is forgotten",
                        n.kind(), n.callId(), n.target().app(), o.provider(), o.reason());
                for (TokenGoneListener l : tokenListeners) {
                    try {
                        l.accept(n, o);
                    } catch (RuntimeException e) {
                        log.warn("forgetting a dead push token: {}", e.toString());
                    }
                }
            }
            default -> log.warn("{} push for call {} to {} failed at {}{}: {}", n.kind(), n.callId(), n.target().app(),
                    o.provider(), tries(o), o.reason());
        }
    }

    private static String tries(PushOutcome o) { return o.attempts() > 1 ? " after " + o.attempts() + " tries" : ""; }

    /** Metric label: a configured pn-provider value, so that devices cannot add series. */
    private String label(PushNotification n) { return providers.contains(n.target().provider()) ? n.target().provider() : "other"; }

    @Override
    public void close() {
        watcher.shutdownNow();
        for (Slot s : slots) {
            try {
                s.service.close();
            } catch (RuntimeException e) {
                log.warn("closing push service: {}", e.toString());
            }
        }
        executor.shutdownNow();
    }
}
