package io.pushgate.push;

import java.util.concurrent.CompletableFuture;

/** One push provider (APNs, FCM). Sending never blocks the caller; failures complete the future with a refusal. */
public interface PushService extends AutoCloseable {
    /** True when this service holds credentials for the app the target belongs to. */
    boolean serves(PushParams target);

    CompletableFuture<PushOutcome> send(PushNotification notification);

    @Override
    void close();
}
