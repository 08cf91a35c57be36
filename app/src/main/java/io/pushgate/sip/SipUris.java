package io.pushgate.sip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/** Reading the parts of SIP URIs and headers that the container's API does not hand out directly. */
public final class SipUris {
    private SipUris() {}

    private static final java.util.regex.Pattern SIP_URI =
            java.util.regex.Pattern.compile("sips?:([^@\\s<>]+@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+)(:\\d{1,5})?(;[^\\s<>?]*)?");
    private static final java.util.regex.Pattern HOST_PORT =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+)(:\\d{1,5})?(;[^\\s<>?]*)?");

    /** Whether text is a sip:/sips: URI this server can route to (checked before the container exists, for the configuration). */
    public static boolean isSipUri(String text) {
        return SIP_URI.matcher(text).matches();
    }

    /** Whether text is a SIP URI or host[:port][;params], the two ways a configured next hop may be written. */
    public static boolean isSipUriOrHostPort(String text) {
        return isSipUri(text) || HOST_PORT.matcher(text).matches();
    }

    /** sip:user@host (host lower-cased, no port or parameters), or null when there is no user. */
    public static String aor(URI uri) {
        if (!(uri instanceof SipURI sip) || sip.getUser() == null || sip.getUser().isEmpty()) return null;
        return "sip:" + sip.getUser() + "@" + sip.getHost().toLowerCase(Locale.ROOT);
    }

    public static long cseq(SipServletMessage m) throws ServletParseException {
        String cseq = m.getHeader("CSeq");
        try {
            String number = cseq.trim();
            int end = 0;
            while (end < number.length() && !Character.isWhitespace(number.charAt(end))) end++;
            return Long.parseLong(number.substring(0, end));
        } catch (RuntimeException e) {
            throw new ServletParseException("bad CSeq: " + cseq);
        }
    }

    /** Whether text is one to maxLength ASCII digits: a plain scan, cheap on the per-message path. */
    public static boolean digits(String text, int maxLength) {
        if (text.isEmpty() || text.length() > maxLength) return false;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) < '0' || text.charAt(i) > '9') return false;
        return true;
    }

    public static Map<String, String> parameters(SipURI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<String> it = uri.getParameterNames(); it.hasNext(); ) {
            String n = it.next();
            String v = uri.getParameter(n);
            out.put(n, v == null ? "" : v);
        }
        return out;
    }

    /** The parameters of a URI given as text (no escaped ';' inside values, which SIP forbids). */
    public static Map<String, String> parameters(String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = uri.indexOf('?');
        String[] parts = (q < 0 ? uri : uri.substring(0, q)).split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) out.put(parts[i], "");
            else out.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return out;
    }

    /** The user part of a sip: URI given as text, or null. */
    public static String user(String uri) {
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        int semi = uri.indexOf(';');
        if (colon < 0 || at < 0 || (semi >= 0 && semi < at)) return null;
        return uri.substring(colon + 1, at);
    }

    /** host[:port] of a SIP URI given as text, as written (no default port added). */
    public static String hostPort(String uri) {
        int start = uri.indexOf('@') >= 0 ? uri.indexOf('@') + 1 : uri.indexOf(':') + 1;
        int end = uri.length();
        for (char c : new char[] {';', '?', '>'}) {
            int i = uri.indexOf(c, start);
            if (i >= 0 && i < end) end = i;
        }
        return uri.substring(start, end);
    }

    /** The header parameters of an address (expires, q, +sip.instance, ...) as ";name=value" text. */
    public static String headerParameters(Address a) {
        StringBuilder b = new StringBuilder();
        for (Iterator<String> it = a.getParameterNames(); it.hasNext(); ) {
            String n = it.next();
            String v = a.getParameter(n);
            b.append(';').append(n);
            if (v != null && !v.isEmpty()) b.append('=').append(v);
        }
        return b.toString();
    }
}
