package io.pushgate.push;

import java.time.Duration;

/**
 * What to tell a sleeping device. {@code collapseId} lets the push service replace an older push
 * about the same call; {@code ttl} is how long the push is worth delivering.
 */
public record PushNotification(Kind kind, PushParams target, String caller, String callId, Duration ttl) {

    public enum Kind {
        /** An incoming call: APNs VoIP (PushKit) or an FCM high-priority data message. */
        CALL,
        /** A call that was cancelled before the device answered: a user-visible alert. */
        MISSED_CALL,
        /** A MESSAGE waiting for the device: a user-visible alert. */
        MESSAGE
    }

    public String collapseId() {
        // APNs limits apns-collapse-id to 64 bytes.
        String id = kind.name().toLowerCase() + "-" + Integer.toHexString(callId.hashCode());
        return id.length() > 64 ? id.substring(0, 64) : id;
    }
}
