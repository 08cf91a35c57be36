package io.pushgate.gateway;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.push.PushCapabilities;
import io.pushgate.push.PushFeatureCaps;
import io.pushgate.push.PushParams;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.ContactBinding;
import io.pushgate.registrar.RegisterRequest;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.sip.SipUris;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step of the gateway role: a REGISTER is relayed to the backend with its contacts
 * masqueraded (or with Path), and the device's binding, push parameters included, is saved only
 * when the backend answers 200 (register-on-response). Challenges pass through untouched.
 */
public final class GatewayRegistrar implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(GatewayRegistrar.class);

    private final GatewaySettings settings;
    private final RegistrarSettings registrar;
    private final ContactMasquerader masquerader;
    private final PendingRegistrations pending;
    private final BindingStore store;
    private final LocalDomain self;
    private final SipFactory factory;
    /** Told of every device binding saved on a 200, so calls waiting for the device go to it (fork-late). */
    private final BiConsumer<String, List<BindingRecord>> registered;
    private final LongSupplier clock;
    private final PushCapabilities push;
    /** Seconds before expiry of the wake-up push promised to +sip.pnsreg devices; 0 for none. */
    private final int pnsregSeconds;

    public GatewayRegistrar(GatewaySettings settings, RegistrarSettings registrar, ContactMasquerader masquerader,
                            PendingRegistrations pending, BindingStore store, LocalDomain self, SipFactory factory,
                            BiConsumer<String, List<BindingRecord>> registered, PushCapabilities push, int pnsregSeconds,
                            LongSupplier clock) {
        this.settings = settings;
        this.registrar = registrar;
        this.masquerader = masquerader;
        this.pending = pending;
        this.store = store;
        this.self = self;
        this.factory = factory;
        this.registered = registered;
        this.clock = clock;
        this.push = push;
        this.pnsregSeconds = pnsregSeconds;
    }

    /** Hex digits of the binding id that tell a user's devices apart with insert-domain. */
    static final int DEVICE_TAG_LENGTH = 12;

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        if (!"REGISTER".equals(ex.method())) {
            chain.proceed(ex);
            return;
        }
        SipServletRequest req = ex.request();
        if (!(req.getRequestURI() instanceof SipURI ruri)) {
            ex.reply(416, "Unsupported URI Scheme");
            return;
        }
        if (!settings.servesDomain(ruri.getHost())) {
            ex.reply(403, "Domain Not Served Here");
            return;
        }
        String route = settings.backendRoute();
        SipURI next = route != null ? (SipURI) factory.createURI(route) : ruri;
        if (self.isListening(next.getHost(), next.getPort())) {
            // Relaying to ourselves would loop until Max-Forwards runs out.
            ex.reply(482, "Loop Detected: Backend Is This Gateway");
            return;
        }
        RegisterRequest register = RegisterRequest.of(req);
        String aor = register.aor();
        if (aor == null) {
            ex.reply(400, "To Is Not A SIP URI With A User");
            return;
        }
        long now = clock.getAsLong();
        List<PendingRegistrations.DeviceContact> devices = new ArrayList<>();
        List<String> relayed = new ArrayList<>();
        boolean wildcard = register.wildcard();
        if (wildcard) relayed.add("*");
        for (RegisterRequest.Contact contact : register.contacts()) {
            if (!contact.sip()) {
                ex.reply(416, "Only SIP Contacts Are Relayed");
                return;
            }
            if (masquerader.isMasqueraded(contact.uriParams())) {
                ex.reply(482, "Loop Detected: Contact Already Masqueraded");
                return;
            }
            PushFeatureCaps.Checked checked = PushFeatureCaps.check(contact.uriParams(), push);
            if (checked.refusal() != null) {
                ex.reply(checked.refusal().status(), checked.refusal().reason());
                return;
            }
            PushParams pushParams = checked.params();
            BindingRecord draft = ContactBinding.of(aor, register, contact, 0, now, registrar.natRewrite());
            String sent = contact.uri();
            if (settings.mode() == GatewaySettings.Mode.MASQUERADE) {
                ContactMasquerader.Origin origin = settings.insertDomain()
                        ? new ContactMasquerader.Origin(ruri.getHost(), ruri.getPort(), null)
                        : new ContactMasquerader.Origin(contact.host(), contact.port(), contact.transportParam());
                sent = masquerader.masquerade(contact.user(), origin, gatewayAddress(),
                        settings.insertDomain() ? draft.id().substring(0, DEVICE_TAG_LENGTH) : null);
                relayed.add("<" + sent + ">" + contact.headerParamText());
            } else {
                relayed.add(contact.header());
            }
            devices.add(new PendingRegistrations.DeviceContact(draft, sent, contact.header(), pushParams));
        }
        long cseq = register.cseq();
        if ((wildcard || !devices.isEmpty())
                && !pending.put(PendingRegistrations.key(req.getCallId(), cseq), new PendingRegistrations.Pending(aor, devices, wildcard, now))) {
            SipServletResponse busy = ex.response(503, "Too Many Registrations In Progress");
            busy.setHeader("Retry-After", "5");
            ex.send(busy);
            return;
        }
        if (settings.mode() == GatewaySettings.Mode.MASQUERADE) {
            req.removeHeader("Contact");
            for (String c : relayed) req.addHeader("Contact", c);
        }
        Proxy proxy = req.getProxy();
        proxy.setRecordRoute(false);
        proxy.setSupervised(true);
        // The container does not let applications add parameters to its Path URI, so in path mode
        // requests from the backend are recognized by their contact (ForkLateRouter).
        if (settings.mode() == GatewaySettings.Mode.PATH) proxy.setAddToPath(true);
        if (route != null) req.pushRoute((SipURI) factory.createURI(route));
        ex.proxied();
        proxy.proxyTo(ruri);
    }

    private static ContactMasquerader.Origin deviceOrigin(SipURI contact) {
        return new ContactMasquerader.Origin(contact.getHost(), contact.getPort(), contact.getTransportParam());
    }

    /** The gateway's host:port as written into masqueraded contacts. */
    String gatewayAddress() {
        return settings.publicAddress().isEmpty() ? self.firstListeningAddress() : settings.publicAddress();
    }

    /**
     * A final response to a relayed REGISTER: on 200, saves the bindings the backend granted and
     * gives the device its own contacts back; anything else saves nothing.
     */
    @Override
    public void onResponse(SipServletResponse resp) {
        if (!"REGISTER".equals(resp.getMethod()) || resp.getStatus() < 200 || resp.isBranchResponse()) return;
        long cseq;
        try {
            cseq = SipUris.cseq(resp);
        } catch (javax.servlet.sip.ServletParseException e) {
            return;
        }
        PendingRegistrations.Pending p = pending.take(PendingRegistrations.key(resp.getCallId(), cseq));
        if (p == null || resp.getStatus() >= 300) return;
        long now = clock.getAsLong();
        Map<String, Integer> granted = new HashMap<>();
        List<Address> listed = new ArrayList<>();
        int headerExpires = resp.getExpires();
        try {
            for (ListIterator<Address> it = resp.getAddressHeaders("Contact"); it.hasNext(); ) {
                Address a = it.next();
                listed.add(a);
                int e = a.getExpires() >= 0 ? a.getExpires() : Math.max(headerExpires, 0);
                granted.put(matchKey(a.getURI().toString()), e);
            }
        } catch (javax.servlet.sip.ServletParseException e) {
            log.warn("backend 200 for {} has an unreadable Contact, nothing saved: {}", p.aor(), e.getMessage());
            return;
        }
        List<BindingRecord> upserts = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        Map<String, String> originals = new HashMap<>();
        for (PendingRegistrations.DeviceContact d : p.contacts()) {
            String key = matchKey(d.masqueradedUri());
            Integer expires = granted.get(key);
            if (expires == null || expires == 0) {
                removals.add(d.draft().id());
            } else {
                upserts.add(d.draft().withExpiry(now + expires * 1000L));
                originals.put(key, d.originalHeader());
            }
        }
        try {
            store.update(p.aor(), upserts, removals, p.wildcard(), registrar.maxContacts());
        } catch (RuntimeException e) {
            // The backend holds the binding; the device will refresh. Its push parameters are lost until then.
            log.error("backend accepted REGISTER for {} but the gateway could not save it: {}", p.aor(), e.getMessage());
        }
        restoreContacts(resp, listed, granted, originals, p.aor(), now);
        Set<String> providers = new LinkedHashSet<>();
        boolean pnsreg = false;
        for (PendingRegistrations.DeviceContact d : p.contacts()) {
            String provider = d.push() != null ? d.push().provider() : PushParams.queriedProvider(SipUris.parameters(d.draft().contactUri()));
            if (provider == null) continue;
            providers.add(provider);
            if (d.originalHeader().toLowerCase(java.util.Locale.ROOT).contains("+sip.pnsreg")) pnsreg = true;
        }
        PushFeatureCaps.add(resp, push, providers, pnsreg ? pnsregSeconds : 0);
        if (!upserts.isEmpty()) registered.accept(p.aor(), upserts);
    }

    /** Replaces masqueraded contacts in the 200 by the devices' own, with the expiry the backend granted. */
    private void restoreContacts(SipServletResponse resp, List<Address> listed, Map<String, Integer> granted,
                                 Map<String, String> originals, String aor, long now) {
        if (settings.mode() != GatewaySettings.Mode.MASQUERADE) return;
        Map<String, BindingRecord> known = new HashMap<>();
        for (BindingRecord b : store.current(aor)) known.put(matchKey(masqueradedFor(b)), b);
        resp.removeHeader("Contact");
        for (Address a : listed) {
            String key = matchKey(a.getURI().toString());
            String original = originals.get(key);
            if (original != null) {
                resp.addHeader("Contact", withExpires(original, granted.get(key)));
            } else if (known.containsKey(key)) {
                resp.addHeader("Contact", ContactBinding.header(known.get(key), now));
            } else {
                resp.addHeader("Contact", a.toString());
            }
        }
    }

    private String masqueradedFor(BindingRecord b) {
        try {
            SipURI contact = (SipURI) factory.createURI(b.contactUri());
            if (settings.insertDomain()) {
                // the domain is the AOR's, as the REGISTER's Request-URI named it
                String domain = b.aor().substring(b.aor().indexOf('@') + 1);
                return masquerader.masquerade(contact.getUser(), new ContactMasquerader.Origin(domain, -1, null), gatewayAddress(),
                        b.id().substring(0, DEVICE_TAG_LENGTH));
            }
            return masquerader.masquerade(contact.getUser(), deviceOrigin(contact), gatewayAddress());
        } catch (javax.servlet.sip.ServletParseException | ClassCastException e) {
            return b.contactUri();
        }
    }

    /** Compares contacts by what identifies them: user and recorded origin when masqueraded, else the URI. */
    private String matchKey(String uri) {
        Map<String, String> params = SipUris.parameters(uri);
        Optional<ContactMasquerader.Origin> o = masquerader.unmasquerade(params);
        if (o.isEmpty()) return uri;
        String user = SipUris.user(uri);
        String device = params.get(ContactMasquerader.DEVICE);
        // with insert-domain the device tag tells contacts apart, whatever port the domain was written with
        return (user == null ? "" : user) + "|" + (device != null ? "device=" + device : o.get().toString());
    }

    private static final Pattern EXPIRES_PARAM = Pattern.compile("(?i);expires=\\d+");

    private static String withExpires(String contactHeader, int expires) {
        String h = EXPIRES_PARAM.matcher(contactHeader).replaceAll("");
        return h + ";expires=" + expires;
    }
}
