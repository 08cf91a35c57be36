package io.pushgate.push;

/** What a push service said about one push; {@code reason} is the provider's own words. */
public record PushOutcome(boolean accepted, String provider, String reason) {
    public static PushOutcome accepted(String provider) { return new PushOutcome(true, provider, null); }
    public static PushOutcome refused(String provider, String reason) { return new PushOutcome(false, provider, reason); }
}
