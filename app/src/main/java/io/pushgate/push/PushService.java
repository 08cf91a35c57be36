package io.pushgate.push;

import java.util.concurrent.CompletableFuture;

/**
 * One open push service (APNs, FCM, a webhook...). Sending never blocks the caller; every
 * failure completes the future with an outcome that says what kind of failure it was, which the
 * dispatcher acts on (retry, forget the token, raise the credentials alarm).
 */
public interface PushService extends AutoCloseable {
    /** True when this service can push to the target (its pn-provider, and credentials for its app). */
    boolean serves(PushParams target);

    CompletableFuture<PushOutcome> send(PushNotification notification);

    /** Feature-Caps indicators its devices are told at REGISTER (RFC 8599), as {@code +sip.vapid="<key>"}. */
    default java.util.List<String> featureCaps() { return java.util.List.of(); }

    @Override
    void close();
}
