package io.pushgate.push;

import java.time.Duration;
import java.util.Locale;

/**
 * What to tell a sleeping device: {@code callee} is the AOR the device is registered for.
 * {@code collapseId} lets the push service replace an older push
 * about the same call; {@code ttl} is how long the push is worth delivering (and retrying).
 */
public record PushNotification(Kind kind, PushParams target, String caller, String callee, String callId, Duration ttl) {

    public enum Kind {
        /** An incoming call: APNs VoIP (PushKit), an FCM high-priority data message. One per call and device. */
        CALL,
        /** A call that was cancelled before the device answered: a user-visible alert. */
        MISSED_CALL,
        /** The call was answered on another device: lets iOS end the call CallKit shows. */
        ANSWERED_ELSEWHERE,
        /** The call was declined on another device. */
        DECLINED_ELSEWHERE,
        /** A MESSAGE waiting for the device: a user-visible alert. */
        MESSAGE,
        /** The device's registration is about to expire: a background push asking it to register again. */
        REFRESH;

        /** The name in payloads, metrics and traces: {@code missed_call}. */
        public String token() { return name().toLowerCase(Locale.ROOT); }

        /** Kinds that end a call already announced to the device. */
        public boolean endsCall() { return this == MISSED_CALL || this == ANSWERED_ELSEWHERE || this == DECLINED_ELSEWHERE; }
    }

    public String collapseId() {
        // APNs limits apns-collapse-id to 64 bytes. The alerts that end a call replace its call push.
        String prefix = kind.endsCall() ? "call" : kind.token();
        String id = prefix + "-" + Integer.toHexString(callId.hashCode());
        return id.length() > 64 ? id.substring(0, 64) : id;
    }
}
