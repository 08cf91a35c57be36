package io.pushgate.registrar;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import io.pushgate.sip.OptionTags;
import io.pushgate.sip.StackHeaders;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/** Pipeline step: answers REGISTER for the local domain (RFC 3261 section 10.3, RFC 3327, RFC 5626). */
public final class Registrar implements RequestStep {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Registrar.class);
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
        // RFC 3261 section 8.2.2.3: of the extensions a REGISTER may require, this registrar implements Path (RFC 3327)
        String unsupported = OptionTags.unsupported(req, "Require", Set.of("path"));
        if (!unsupported.isEmpty()) {
            SipServletResponse r = ex.response(420, "Bad Extension");
            r.setHeader("Unsupported", unsupported);
            ex.send(r);
            return;
        }
        String aor = domain.aor(user);
        RegisterRequest register = RegisterRequest.of(req);
        int tooBrief = settings.tooBrief(register);
        if (tooBrief > 0) {
            SipServletResponse r = ex.response(423, "Interval Too Brief");
            r.setHeader("Min-Expires", Integer.toString(tooBrief));
            ex.send(r);
            return;
        }
        if (register.wildcardMisused()) {
            ex.reply(400, "Wildcard Contact Needs Expires 0 And No Other Contact");
            return;
        }
        if (!apply(aor, register)) {
            ex.reply(500, "Out Of Order CSeq");
            return;
        }
        SipServletResponse ok = ex.response(200, null);
        for (BindingRecord b : store.current(aor)) {
            try {
                ok.addHeader("Contact", ContactBinding.header(b, clock.getAsLong()));
            } catch (IllegalArgumentException e) {
                // stored, but the stack will not write it back: the 200 lists the others (no contact text: it may hold a push token)
                log.warn("a binding of {} left out of the 200: the stack cannot write its Contact back", aor);
            }
        }
        // RFC 3327 section 5.3: the 200 repeats the REGISTER's Path headers, in order
        for (String p : register.path()) StackHeaders.add(ok, "Path", p);
        ex.send(ok);
    }

    /** Stores the registration's changes; false, changing nothing, when a binding it touches was refreshed by a later CSeq. */
    private boolean apply(String aor, RegisterRequest register) {
        synchronized (store.lockFor(aor)) {
            long now = clock.getAsLong();
            Map<String, BindingRecord> live = new LinkedHashMap<>();
            for (BindingRecord b : store.held(aor)) if (b.expiresAt() > now) live.put(b.id(), b);
            if (register.wildcard() && live.values().stream().anyMatch(register::outOfOrderFor)) return false;
            List<BindingRecord> upserts = new ArrayList<>();
            List<String> removals = new ArrayList<>();
            for (RegisterRequest.Contact c : register.contacts()) {
                String id = register.bindingId(aor, c);
                if (register.outOfOrderFor(live.get(id))) return false;
                int expires = settings.granted(register, c);
                if (expires == 0) removals.add(id);
                else upserts.add(ContactBinding.of(aor, register, c, expires, now, settings.natRewrite()));
            }
            store.update(aor, upserts, removals, register.wildcard(), settings.maxContacts());
            return true;
        }
    }
}
