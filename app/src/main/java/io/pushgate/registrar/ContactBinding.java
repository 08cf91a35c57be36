package io.pushgate.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.ListIterator;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

/** Turns one Contact of a REGISTER into a binding, the same way for the registrar and the push gateway. */
public final class ContactBinding {
    private ContactBinding() {}

    /**
     * The binding for {@code contact}: its URI exactly as sent, its header parameters, the Path of
     * the request, where it came from, and (with {@code natRewrite}) the observed address when it
     * differs from the contact's.
     */
    public static BindingRecord of(String aor, Address contact, int expires, SipServletRequest req, long cseq, long now,
                                   boolean natRewrite) {
        StringBuilder params = new StringBuilder();
        String instance = null;
        int regId = 0;
        for (Iterator<String> it = contact.getParameterNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase("expires") || name.equalsIgnoreCase("q")) continue;
            String v = contact.getParameter(name);
            params.append(';').append(name);
            if (v != null && !v.isEmpty()) params.append('=').append(v);
            if (name.equalsIgnoreCase("+sip.instance")) instance = v;
            if (name.equalsIgnoreCase("reg-id")) regId = parseIntOr(v, 0);
        }
        float q = contact.getQ();
        int qMilli = q < 0 ? 1000 : Math.round(q * 1000);
        StringBuilder path = new StringBuilder();
        for (ListIterator<String> it = req.getHeaders("Path"); it.hasNext(); ) {
            if (path.length() > 0) path.append('\n');
            path.append(it.next());
        }
        String transport = req.getInitialTransport() == null ? "udp" : req.getInitialTransport().toLowerCase();
        String srcAddr = req.getInitialRemoteAddr();
        int srcPort = req.getInitialRemotePort();
        String received = null;
        // A WebSocket client's contact (RFC 7118, often an ".invalid" host) is reachable only over its connection.
        boolean webSocket = transport.startsWith("ws");
        if ((natRewrite || webSocket) && contact.getURI() instanceof SipURI sip && path.length() == 0) {
            int port = sip.getPort() > 0 ? sip.getPort() : (sip.isSecure() || "tls".equals(transport) ? 5061 : 5060);
            if (!sip.getHost().equals(srcAddr) || port != srcPort) received = hostPort(srcAddr, srcPort);
        }
        String uri = contact.getURI().toString();
        return new BindingRecord(id(aor, instance, contact.getParameter("reg-id"), uri), aor, uri, params.toString(),
                instance, regId, qMilli, now + expires * 1000L, req.getCallId(), cseq,
                path.length() == 0 ? null : path.toString(), transport + ":" + hostPort(srcAddr, srcPort),
                received, truncate(req.getHeader("User-Agent"), 256), now);
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
