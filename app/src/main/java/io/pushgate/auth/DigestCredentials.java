package io.pushgate.auth;

import io.pushgate.sip.SipUris;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The parameters of one {@code Authorization}/{@code Proxy-Authorization: Digest ...} header. */
public record DigestCredentials(Map<String, String> params) {

    /** Parses a header value; returns null when it is not a well-formed Digest header. */
    public static DigestCredentials parse(String header) {
        if (header == null) return null;
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(h.charAt(6))) return null;
        Map<String, String> params = new HashMap<>();
        int i = 7, n = h.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(h.charAt(i)) || h.charAt(i) == ',')) i++;
            if (i >= n) break;
            int eq = h.indexOf('=', i);
            if (eq < 0) return null;
            String name = h.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && Character.isWhitespace(h.charAt(i))) i++;
            String value;
            if (i < n && h.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < n && h.charAt(i) != '"') {
                    if (h.charAt(i) == '\\' && i + 1 < n) i++;
                    b.append(h.charAt(i++));
                }
                if (i >= n) return null;
                i++;
                value = b.toString();
            } else {
                int end = h.indexOf(',', i);
                if (end < 0) end = n;
                value = h.substring(i, end).strip();
                i = end;
            }
            if (name.isEmpty()) return null;
            params.put(name, value);
        }
        return new DigestCredentials(params);
    }

    public String get(String name) { return params.get(name); }
    public String username() { return params.get("username"); }
    public String realm() { return params.get("realm"); }
    public String nonce() { return params.get("nonce"); }
    public String uri() { return params.get("uri"); }

    /**
     * Whether these credentials were made for this Request-URI (RFC 2617 section 3.2.2.5): the
     * same scheme, host and port, parameters aside, and the same user when the digest-uri names
     * one. A digest-uri without a user names the server only (sipp sends that), which still
     * keeps credentials made for another server from being taken here.
     */
    public boolean madeFor(String requestUri) {
        if (uri() == null) return false;
        String[] made = userAndServer(uri());
        String[] request = userAndServer(requestUri);
        return made[1].equals(request[1]) && (made[0] == null || made[0].equals(request[0]));
    }

    /** {user or null, scheme:host[:port] lower-cased}, parameters and headers left out. */
    private static String[] userAndServer(String uri) {
        String u = uri.trim();
        String scheme = u.substring(0, u.indexOf(':') + 1);
        // a user may hold ';' (RFC 4475 semiuri), which SipUris.user declines: up to the last '@'
        int at = u.lastIndexOf('@');
        String user = at < 0 ? null : u.substring(scheme.length(), at);
        return new String[] {user, (scheme + SipUris.hostPort(u)).toLowerCase(Locale.ROOT)};
    }
    public String response() { return params.get("response"); }
    public String algorithm() { return params.get("algorithm"); }
    public String qop() { return params.get("qop"); }
    public String nc() { return params.get("nc"); }
    public String cnonce() { return params.get("cnonce"); }

    public boolean complete() {
        return username() != null && realm() != null && nonce() != null && uri() != null && response() != null
                && (qop() == null || (nc() != null && cnonce() != null));
    }

    /** The response a client knowing this HA1 would compute (RFC 7616 §3.4.1, qop=auth or none). */
    public String expectedResponse(DigestAlgorithm alg, String ha1, String method) {
        String ha2 = alg.hash(method + ":" + uri());
        if (qop() == null) return alg.hash(ha1 + ":" + nonce() + ":" + ha2);
        return alg.hash(ha1 + ":" + nonce() + ":" + nc() + ":" + cnonce() + ":" + qop() + ":" + ha2);
    }
}
