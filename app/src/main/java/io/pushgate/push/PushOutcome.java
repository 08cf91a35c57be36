package io.pushgate.push;

import java.time.Duration;

/**
 * What a push service said about one push; {@code reason} is the provider's own words, {@code id}
 * its name for the push when it gave one (APNs apns-id, FCM message name). {@code retryAfter} is
 * the provider's Retry-After for a transient failure, or null. {@code attempts} counts the tries
 * the dispatcher made.
 */
public record PushOutcome(Status status, String provider, String reason, Duration retryAfter, String id, int attempts) {

    public enum Status {
        ACCEPTED,
        /** The token will never work again (uninstalled app, new token): the device is forgotten. */
        TOKEN_GONE,
        /** Worth trying again: timeout, connection lost, 429, 5xx. */
        TRANSIENT,
        /** Our credentials were refused (expired APNs provider token, FCM 401): no push of that app can work. */
        CREDENTIALS,
        /** Anything else: this push failed, the device is kept. */
        REFUSED
    }

    public static PushOutcome accepted(String provider, String id) { return new PushOutcome(Status.ACCEPTED, provider, null, null, id, 1); }
    public static PushOutcome refused(String provider, String reason) { return new PushOutcome(Status.REFUSED, provider, reason, null, null, 1); }
    public static PushOutcome tokenGone(String provider, String reason) { return new PushOutcome(Status.TOKEN_GONE, provider, reason, null, null, 1); }
    public static PushOutcome credentials(String provider, String reason) { return new PushOutcome(Status.CREDENTIALS, provider, reason, null, null, 1); }
    public static PushOutcome transientFailure(String provider, String reason, Duration retryAfter) {
        return new PushOutcome(Status.TRANSIENT, provider, reason, retryAfter, null, 1);
    }

    public boolean accepted() { return status == Status.ACCEPTED; }
    public boolean tokenGone() { return status == Status.TOKEN_GONE; }

    PushOutcome afterAttempts(int n) { return new PushOutcome(status, provider, reason, retryAfter, id, n); }

    /**
     * Reads an HTTP Retry-After value: delay-seconds, or null when absent or an HTTP date (the
     * push services send seconds; a date is then left to the backoff).
     */
    public static Duration retryAfter(String header) {
        if (header == null || !header.strip().matches("\\d{1,6}")) return null;
        return Duration.ofSeconds(Long.parseLong(header.strip()));
    }

    /**
     * For services that name the device by URL (WebPush, the webhook): 404 and 410 say it is gone,
     * 401 and 403 that our key is refused, the rest as {@link #ofHttpStatus}.
     */
    public static PushOutcome ofDeviceResource(String provider, int status, String retryAfterHeader) {
        String reason = "HTTP " + status;
        if (status == 404 || status == 410) return tokenGone(provider, reason);
        if (status == 403) return credentials(provider, reason);
        return ofHttpStatus(provider, status, reason, retryAfterHeader);
    }

    /** How an HTTP status of a push API reads when the body says nothing more specific. */
    public static PushOutcome ofHttpStatus(String provider, int status, String reason, String retryAfterHeader) {
        if (status >= 200 && status < 300) return accepted(provider, null);
        if (status == 429 || status >= 500 || status == 408) return transientFailure(provider, reason, retryAfter(retryAfterHeader));
        if (status == 401) return credentials(provider, reason);
        return refused(provider, reason);
    }
}
