package io.pushgate.registrar;

/**
 * One binding that changed, with why (the contact events of RFC 3680). The registration event
 * package and the push device list watch these.
 */
public record BindingChange(BindingRecord binding, Event event) {

    public enum Event {
        /** A REGISTER added the contact. */
        REGISTERED,
        /** A REGISTER renewed an existing contact. */
        REFRESHED,
        /** Its expiry passed. */
        EXPIRED,
        /** The device removed it (expires=0 or Contact: *). */
        UNREGISTERED,
        /** The registrar dropped it: to stay within max-contacts, or because its WebSocket connection closed. */
        DEACTIVATED;

        /** The RFC 3680 name of the event. */
        public String xmlName() { return name().toLowerCase(); }

        /** Whether the contact is still bound after this event. */
        public boolean active() { return this == REGISTERED || this == REFRESHED; }
    }

    /** Told about every committed change of an AOR's bindings, in commit order. */
    @FunctionalInterface
    public interface Listener {
        void changed(String aor, java.util.List<BindingChange> changes);
    }
}
