package io.pushgate.gateway;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites a device's contact so the backend registrar sends its requests to the gateway:
 * {@code sip:user@<gateway>;CtRt<key>=<host[:port][;transport=t]>;doroute}. The value is escaped
 * because ';' and '=' may not appear raw in a URI parameter value. The key is random per
 * installation so that contacts masqueraded by another gateway are not mistaken for ours.
 */
public final class ContactMasquerader {
    /** Marks requests that come back from the backend toward a device. */
    public static final String MARKER = "doroute";
    /**
     * With insert-domain the CtRt value names the domain, the same for every device of a user; this
     * parameter (the start of the device's binding id) keeps two devices apart at the backend.
     */
    public static final String DEVICE = "pgdev";
    private static final String PREFIX = "CtRt";

    private final String paramName;

    public ContactMasquerader(String key) {
        if (!key.matches("[A-Za-z0-9]{4,32}")) throw new IllegalArgumentException("bad masquerading key");
        this.paramName = PREFIX + key;
    }

    /** A new random key, letters and digits. */
    public static String newKey() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }

    /** Where a masqueraded contact pointed: a device address, or with insert-domain the registration domain. */
    public record Origin(String host, int port, String transport) {
        /** host[:port] as it appears in a URI. */
        public String hostPort() { return port > 0 ? host + ":" + port : host; }
    }

    /**
     * The masqueraded contact URI for a device contact.
     *
     * @param user the contact's user part, or null
     * @param origin the device address, or the domain with insert-domain
     * @param gatewayHostPort the gateway's own host:port
     */
    public String masquerade(String user, Origin origin, String gatewayHostPort) {
        return masquerade(user, origin, gatewayHostPort, null);
    }

    /** The same, with a {@link #DEVICE} tag when {@code device} is not null. */
    public String masquerade(String user, Origin origin, String gatewayHostPort, String device) {
        StringBuilder value = new StringBuilder(origin.hostPort());
        if (origin.transport() != null && !origin.transport().isEmpty()) value.append(";transport=").append(origin.transport());
        return "sip:" + (user == null || user.isEmpty() ? "" : user + "@") + gatewayHostPort + ";" + paramName + "="
                + escape(value.toString()) + (device == null ? "" : ";" + DEVICE + "=" + device) + ";" + MARKER;
    }

    /** True when the URI parameters carry our CtRt parameter. */
    public boolean isMasqueraded(Map<String, String> uriParams) {
        return find(uriParams) != null;
    }

    /** The origin recorded in a masqueraded contact's parameters, if they carry ours. */
    public Optional<Origin> unmasquerade(Map<String, String> uriParams) {
        String raw = find(uriParams);
        if (raw == null || raw.isEmpty()) return Optional.empty();
        String value = unescape(raw);
        String transport = null;
        int semi = value.indexOf(';');
        if (semi >= 0) {
            String rest = value.substring(semi + 1);
            value = value.substring(0, semi);
            if (rest.toLowerCase(Locale.ROOT).startsWith("transport=")) transport = rest.substring("transport=".length());
        }
        String host = value;
        int port = -1;
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.indexOf(']') < colon) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
                host = value.substring(0, colon);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (host.isEmpty()) return Optional.empty();
        return Optional.of(new Origin(host, port, transport));
    }

    private String find(Map<String, String> uriParams) {
        for (Map.Entry<String, String> e : uriParams.entrySet()) {
            if (e.getKey().equalsIgnoreCase(paramName)) return e.getValue() == null ? "" : e.getValue();
        }
        return null;
    }

    static String escape(String s) {
        return s.replace("%", "%25").replace(";", "%3B").replace("=", "%3D");
    }

    /** The inverse of {@link #escape}, in one pass: it runs for every contact of every relayed 200. */
    static String unescape(String s) {
        if (s.indexOf('%') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char decoded = c == '%' && i + 2 < s.length() ? decoded(s.charAt(i + 1), Character.toUpperCase(s.charAt(i + 2))) : 0;
            out.append(decoded != 0 ? decoded : c);
            if (decoded != 0) i += 2;
        }
        return out.toString();
    }

    private static char decoded(char first, char second) {
        if (first == '3' && second == 'B') return ';';
        if (first == '3' && second == 'D') return '=';
        if (first == '2' && second == '5') return '%';
        return 0;
    }
}
