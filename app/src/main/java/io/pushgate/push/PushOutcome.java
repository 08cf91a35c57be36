package io.pushgate.push;

/**
 * What a push service said about one push; {@code reason} is the provider's own words.
 * {@code tokenGone} is set when the provider says the token will never work again (APNs 410
 * Unregistered, FCM UNREGISTERED): the device uninstalled the app or got a new token.
 */
public record PushOutcome(boolean accepted, String provider, String reason, boolean tokenGone) {
    public static PushOutcome accepted(String provider) { return new PushOutcome(true, provider, null, false); }
    public static PushOutcome refused(String provider, String reason) { return new PushOutcome(false, provider, reason, false); }
    public static PushOutcome tokenGone(String provider, String reason) { return new PushOutcome(false, provider, reason, true); }
}
