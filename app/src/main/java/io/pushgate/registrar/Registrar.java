package io.pushgate.registrar;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import io.pushgate.sip.StackHeaders;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

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
        long cseq = io.pushgate.sip.SipUris.cseq(req);
        synchronized (store.lockFor(aor)) {
            long now = clock.getAsLong();
            Map<String, BindingRecord> live = new LinkedHashMap<>();
            for (BindingRecord b : store.held(aor)) if (b.expiresAt() > now) live.put(b.id(), b);
            List<BindingRecord> upserts = new ArrayList<>();
            List<String> removals = new ArrayList<>();
            for (BindingRecord b : wildcard ? live.values() : List.<BindingRecord>of()) {
                if (outOfOrder(b, req.getCallId(), cseq)) {
                    ex.reply(500, "Out Of Order CSeq");
                    return;
                }
            }
            for (Requested r : requested) {
                String id = ContactBinding.id(aor, r.address.getParameter("+sip.instance"), r.address.getParameter("reg-id"), r.uri);
                if (outOfOrder(live.get(id), req.getCallId(), cseq)) {
                    ex.reply(500, "Out Of Order CSeq");
                    return;
                }
                if (r.expires == 0) removals.add(id);
                else upserts.add(ContactBinding.of(aor, r.address, r.expires, req, cseq, now, settings.natRewrite()));
            }
            store.update(aor, upserts, removals, wildcard, settings.maxContacts());
        }
        SipServletResponse ok = ex.response(200, null);
        for (BindingRecord b : store.current(aor)) ok.addHeader("Contact", ContactBinding.header(b, clock.getAsLong()));
        // RFC 3327 section 5.3: the 200 repeats the REGISTER's Path headers, in order
        for (ListIterator<String> it = req.getHeaders("Path"); it.hasNext(); ) StackHeaders.add(ok, "Path", it.next());
        ex.send(ok);
    }

    /** RFC 3261 section 10.3 step 7: a binding refreshed by the same Call-ID needs a higher CSeq. */
    private static boolean outOfOrder(BindingRecord existing, String callId, long cseq) {
        return existing != null && existing.callId().equals(callId) && existing.cseq() >= cseq;
    }
}
