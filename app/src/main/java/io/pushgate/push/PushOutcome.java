package io.pushgate.push;

/**
 * What a push service said about one push; {@code reason} is the provider's own words.
 * {@code tokenGone} is set when the provider says the token will never work again (APNs 410
 * Unregistered, FCM UNREGISTERED): the device uninstalled the app or got a new token. {@code id}
 * is the provider's name for the push when it gave one (APNs apns-id, FCM message name).
 */
public record PushOutcome(boolean accepted, String provider, String reason, boolean tokenGone, String id) {
    public static PushOutcome accepted(String provider, String id) { return new PushOutcome(true, provider, null, false, id); }
    public static PushOutcome refused(String provider, String reason) { return new PushOutcome(false, provider, reason, false, null); }
    public static PushOutcome tokenGone(String provider, String reason) { return new PushOutcome(false, provider, reason, true, null); }
}
