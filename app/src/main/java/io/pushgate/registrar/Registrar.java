package io.pushgate.registrar;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

/** Pipeline step: answers REGISTER for the local domain (RFC 3261 section 10.3, RFC 3327, RFC 5626). */
public final class Registrar implements RequestStep {
    private final RegistrarSettings settings;
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final BindingStore store;
    private final LongSupplier clock;

    public Registrar(RegistrarSettings settings, LocalDomain domain, SubscriberDirectory subscribers, BindingStore store, LongSupplier clock) {
        this.settings = settings;
        this.domain = domain;
        this.subscribers = subscribers;
        this.store = store;
        this.clock = clock;
    }

    /** One Contact of the request, with the expiry it asks for. */
    private record Requested(Address address, String uri, int expires) {}

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        if (!"REGISTER".equals(ex.method())) {
            chain.proceed(ex);
            return;
        }
        SipServletRequest req = ex.request();
        if (!domain.isLocal(req.getRequestURI())) {
            ex.reply(403, "Not A Local Domain");
            return;
        }
        String user = domain.localUser(req.getTo().getURI());
        if (user == null) {
            ex.reply(403, "To Is Not A Local User");
            return;
        }
        if (!subscribers.exists(user)) {
            ex.reply(404, "Unknown User");
            return;
        }
        String aor = domain.aor(user);

        List<Requested> requested = new ArrayList<>();
        boolean wildcard = false;
        int headerExpires = req.getExpires();
        for (ListIterator<Address> it = req.getAddressHeaders("Contact"); it.hasNext(); ) {
            Address a = it.next();
            if (a.isWildcard()) {
                wildcard = true;
                continue;
            }
            int expires = a.getExpires() >= 0 ? a.getExpires() : headerExpires >= 0 ? headerExpires : settings.defaultExpires();
            if (expires > 0 && expires < settings.minExpires()) {
                SipServletResponse r = ex.response(423, "Interval Too Brief");
                r.setHeader("Min-Expires", Integer.toString(settings.minExpires()));
                ex.send(r);
                return;
            }
            requested.add(new Requested(a, a.getURI().toString(), Math.min(expires, settings.maxExpires())));
        }
        if (wildcard && (!requested.isEmpty() || headerExpires != 0)) {
            ex.reply(400, "Wildcard Contact Needs Expires 0 And No Other Contact");
            return;
        }
        long cseq = cseqNumber(req);
        synchronized (store.lockFor(aor)) {
            long now = clock.getAsLong();
            List<BindingRecord> held = store.held(aor);
            List<String> heldIds = held.stream().map(BindingRecord::id).toList();
            Map<String, BindingRecord> result = new LinkedHashMap<>();
            List<String> removed = new ArrayList<>();
            for (BindingRecord b : held) {
                if (b.expiresAt() > now) result.put(b.id(), b);
                else removed.add(b.id());
            }
            List<BindingRecord> stored = new ArrayList<>();
            if (wildcard) {
                for (BindingRecord b : result.values()) {
                    if (b.callId().equals(req.getCallId()) && b.cseq() >= cseq) {
                        ex.reply(500, "Out Of Order CSeq");
                        return;
                    }
                }
                removed.addAll(result.keySet());
                result.clear();
            }
            for (Requested r : requested) {
                String id = bindingId(aor, r);
                BindingRecord existing = result.get(id);
                if (existing != null && existing.callId().equals(req.getCallId()) && existing.cseq() >= cseq) {
                    ex.reply(500, "Out Of Order CSeq");
                    return;
                }
                if (r.expires == 0) {
                    if (result.remove(id) != null) removed.add(id);
                    continue;
                }
                BindingRecord b = newBinding(id, aor, r, req, cseq, now);
                result.remove(id);
                result.put(id, b);
                stored.add(b);
                removed.remove(id);
            }
            while (result.size() > settings.maxContacts()) {
                BindingRecord oldest = result.values().stream().min(java.util.Comparator.comparingLong(BindingRecord::updatedAt)).get();
                result.remove(oldest.id());
                stored.remove(oldest);
                if (heldIds.contains(oldest.id())) removed.add(oldest.id());
            }
            store.commit(aor, new ArrayList<>(result.values()), stored, removed, heldIds);
        }
        SipServletResponse ok = ex.response(200, null);
        for (BindingRecord b : store.current(aor)) ok.addHeader("Contact", contactHeader(b, clock.getAsLong()));
        // RFC 3327 asks for the Path to be echoed in the 200, but the container treats Path as a system
        // header it will not let an application add; the stored Path is still used as the route set.
        ex.send(ok);
    }

    private BindingRecord newBinding(String id, String aor, Requested r, SipServletRequest req, long cseq, long now) {
        Address a = r.address;
        StringBuilder params = new StringBuilder();
        String instance = null;
        int regId = 0;
        for (Iterator<String> it = a.getParameterNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase("expires") || name.equalsIgnoreCase("q")) continue;
            String v = a.getParameter(name);
            params.append(';').append(name);
            if (v != null && !v.isEmpty()) params.append('=').append(v);
            if (name.equalsIgnoreCase("+sip.instance")) instance = v;
            if (name.equalsIgnoreCase("reg-id")) regId = parseIntOr(v, 0);
        }
        float q = a.getQ();
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
        if (settings.natRewrite() && a.getURI() instanceof SipURI sip && path.length() == 0) {
            int port = sip.getPort() > 0 ? sip.getPort() : (sip.isSecure() || "tls".equals(transport) ? 5061 : 5060);
            if (!sip.getHost().equals(srcAddr) || port != srcPort) received = hostPort(srcAddr, srcPort);
        }
        return new BindingRecord(id, aor, r.uri, params.toString(), instance, regId, qMilli, now + r.expires * 1000L,
                req.getCallId(), cseq, path.length() == 0 ? null : path.toString(), transport + ":" + hostPort(srcAddr, srcPort),
                received, truncate(req.getHeader("User-Agent"), 256), now);
    }

    static String contactHeader(BindingRecord b, long now) {
        StringBuilder h = new StringBuilder("<").append(b.contactUri()).append('>').append(b.headerParams());
        if (b.qMilli() != 1000) h.append(";q=").append(b.qMilli() / 1000).append('.').append(String.format("%03d", b.qMilli() % 1000));
        h.append(";expires=").append(b.remainingSeconds(now));
        return h.toString();
    }

    /** A device re-registering with the same instance (and reg-id) replaces its binding (RFC 5626). */
    static String bindingId(String aor, Requested r) {
        String instance = r.address.getParameter("+sip.instance");
        String key = instance != null ? "instance:" + instance + ";" + r.address.getParameter("reg-id") : "uri:" + r.uri;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest((aor + "\n" + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long cseqNumber(SipServletRequest req) throws ServletParseException {
        String cseq = req.getHeader("CSeq");
        try {
            return Long.parseLong(cseq.trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            throw new ServletParseException("bad CSeq: " + cseq);
        }
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
