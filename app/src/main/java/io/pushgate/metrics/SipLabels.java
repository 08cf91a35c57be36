package io.pushgate.metrics;

import java.util.Set;

/**
 * Label values taken from SIP messages, bounded: a method outside the known ones is "other", a
 * status is its class ("2xx"), so no peer can add a series by sending something new.
 */
public final class SipLabels {
    private static final Set<String> METHODS = Set.of("REGISTER", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "SUBSCRIBE", "NOTIFY",
            "MESSAGE", "INFO", "PRACK", "UPDATE", "REFER", "PUBLISH");

    private SipLabels() {}

    public static String method(String method) {
        return method != null && METHODS.contains(method) ? method : "other";
    }

    public static String statusClass(int status) {
        return status >= 100 && status < 700 ? (status / 100) + "xx" : "other";
    }

    /** A status code as the container counts it, as text. */
    public static String statusClass(String status) {
        try {
            return statusClass(Integer.parseInt(status.trim()));
        } catch (NumberFormatException e) {
            return "other";
        }
    }
}
