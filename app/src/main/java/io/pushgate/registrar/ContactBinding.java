package io.pushgate.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Turns one Contact of a REGISTER into a binding, the same way for the registrar and the push gateway. */
public final class ContactBinding {
    private ContactBinding() {}

    /**
     * The binding for {@code contact}: its URI exactly as sent, its header parameters, the Path of
     * the request, where it came from, and (with {@code natRewrite}) the observed address when it
     * differs from the contact's.
     */
    public static BindingRecord of(String aor, RegisterRequest req, RegisterRequest.Contact contact, int expires, long now,
                                   boolean natRewrite) {
        StringBuilder params = new StringBuilder();
        String instance = null;
        int regId = 0;
        for (Map.Entry<String, String> p : contact.headerParams().entrySet()) {
            String name = p.getKey();
            if (name.equalsIgnoreCase("expires") || name.equalsIgnoreCase("q")) continue;
            String v = p.getValue();
            params.append(';').append(name);
            if (v != null && !v.isEmpty()) params.append('=').append(paramValue(v));
            if (name.equalsIgnoreCase("+sip.instance")) instance = v;
            if (name.equalsIgnoreCase("reg-id")) regId = parseIntOr(v, 0);
        }
        float q = contact.q();
        int qMilli = q < 0 ? 1000 : Math.round(q * 1000);
        String path = req.path().isEmpty() ? null : String.join("\n", req.path());
        String transport = req.transport();
        String received = null;
        // A WebSocket client's contact (RFC 7118, often an ".invalid" host) is reachable only over its connection.
        // A REGISTER relayed by a proxy (a dispatcher) came from that proxy, not from the device behind it.
        boolean webSocket = transport.startsWith("ws");
        if ((natRewrite && !req.relayed() || webSocket) && contact.sip() && path == null) {
            int port = contact.port() > 0 ? contact.port() : (contact.secure() || "tls".equals(transport) ? 5061 : 5060);
            if (!contact.host().equals(req.sourceAddress()) || port != req.sourcePort()) received = hostPort(req.sourceAddress(), req.sourcePort());
        }
        return new BindingRecord(req.bindingId(aor, contact), aor, contact.uri(), params.toString(),
                instance, regId, qMilli, now + expires * 1000L, req.callId(), req.cseq(), path,
                transport + ":" + hostPort(req.sourceAddress(), req.sourcePort()), received, truncate(req.userAgent(), 256), now);
    }

    /** A device re-registering with the same instance (and reg-id) replaces its binding (RFC 5626). */
    public static String id(String aor, String instance, String regId, String uri) {
        String key = instance != null ? "instance:" + instance + ";" + regId : "uri:" + uri;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest((aor + "\n" + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Contact header value listing a binding in a 200, with its remaining expiry. */
    public static String header(BindingRecord b, long now) {
        StringBuilder h = new StringBuilder("<").append(b.contactUri()).append('>').append(b.headerParams());
        if (b.qMilli() != 1000) h.append(";q=").append(b.qMilli() / 1000).append('.').append(String.format("%03d", b.qMilli() % 1000));
        h.append(";expires=").append(b.remainingSeconds(now));
        return h.toString();
    }

    private static final java.util.regex.Pattern TOKEN_OR_HOST = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.!%*_+`'~:\\[\\]]+");

    /**
     * A header parameter's value as it can be written back (RFC 3261 generic-param: a token, a host
     * or a quoted string). The stack may hand out a value it read leniently, such as an unquoted
     * {@code <urn:...>}, that it would refuse to parse in the 200 we build from it (found by the fuzzer).
     */
    static String paramValue(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) return v;
        if (TOKEN_OR_HOST.matcher(v).matches()) return v;
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int parseIntOr(String s, int dflt) {
        try {
            return Integer.parseInt(s);
        } catch (RuntimeException e) {
            return dflt;
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
