package io.pushgate.regevent;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step and binding listener: the registration event package (RFC 3680, RFC 6665).
 * A local user may watch its own AOR; trusted peers (application servers) may watch any local AOR.
 * The first NOTIFY carries full state, later ones the changed contacts only.
 */
public final class RegEventServer implements RequestStep, BindingChange.Listener {
    private static final Logger log = LoggerFactory.getLogger(RegEventServer.class);
    private static final String SUBSCRIPTION = "pushgate.reg-subscription";

    private final RegEventSettings settings;
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final BindingStore bindings;
    private final List<String> trustedPeers;
    private final ScheduledExecutorService timers;
    private final LongSupplier clock;
    private final Map<String, Set<RegSubscription>> byAor = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    public RegEventServer(RegEventSettings settings, LocalDomain domain, SubscriberDirectory subscribers, BindingStore bindings,
                          List<String> trustedPeers, ScheduledExecutorService timers, LongSupplier clock) {
        this.settings = settings;
        this.domain = domain;
        this.subscribers = subscribers;
        this.bindings = bindings;
        this.trustedPeers = trustedPeers;
        this.timers = timers;
        this.clock = clock;
        bindings.addListener(this);
        bindings.addPeerListener(this); // a subscriber here hears of a device that registered through another server
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!"SUBSCRIBE".equals(ex.method()) || !domain.isLocal(req.getRequestURI()) || !"reg".equals(eventPackage(req))) {
            chain.proceed(ex);
            return;
        }
        String user = domain.localUser(req.getRequestURI());
        if (user == null || !subscribers.exists(user)) {
            ex.reply(404, "Not Found");
            return;
        }
        if (!user.equals(ex.authenticatedUser()) && !trustedPeers.contains(req.getInitialRemoteAddr())) {
            ex.reply(403, "Not Allowed To Watch This Registration");
            return;
        }
        if (!acceptsRegInfo(req)) {
            SipServletResponse r = ex.response(406, "Not Acceptable");
            r.setHeader("Accept", RegInfo.CONTENT_TYPE);
            ex.send(r);
            return;
        }
        Integer expires = grantedExpires(ex, req);
        if (expires == null) return;
        if (expires > 0 && count.get() >= settings.maxSubscriptions()) {
            ex.reply(503, "Too Many Subscriptions");
            return;
        }
        String aor = domain.aor(user);
        RegSubscription sub = new RegSubscription(aor, req.getSession(), req.getFrom().getURI().toString());
        SipServletResponse ok = ex.response(200, null);
        ok.setExpires(expires);
        ex.keepSessions();
        ex.send(ok);
        req.getSession().setAttribute(SUBSCRIPTION, sub);
        if (expires == 0) {
            // A fetch: one NOTIFY with the state, and the subscription is over (RFC 6665 section 4.2.1.4).
            notifyFull(sub, "terminated;reason=timeout");
            end(sub);
            return;
        }
        byAor.computeIfAbsent(aor, k -> ConcurrentHashMap.newKeySet()).add(sub);
        count.incrementAndGet();
        schedule(sub, expires);
        log.info("reg subscription to {} from {} for {} s", aor, sub.watcher(), expires);
        notifyFull(sub, "active;expires=" + expires);
    }

    /** A request inside one of our subscription dialogs (refresh or unsubscribe); false when it is not ours. */
    @Override
    public boolean onSubsequent(SipServletRequest req) throws IOException {
        SipSession s = req.getSession(false);
        if (s == null || !"SUBSCRIBE".equals(req.getMethod()) || !(s.getAttribute(SUBSCRIPTION) instanceof RegSubscription sub)) return false;
        Exchange ex = new Exchange(req);
        ex.keepSessions();
        Integer expires = grantedExpires(ex, req);
        if (expires == null) return true;
        synchronized (sub) {
            if (sub.ended()) {
                ex.reply(481, "Subscription Does Not Exist");
                return true;
            }
            SipServletResponse ok = ex.response(200, null);
            ok.setExpires(expires);
            ex.send(ok);
            if (expires == 0) {
                send(sub, true, "terminated;reason=timeout", current(sub.aor()));
                remove(sub);
                return true;
            }
            schedule(sub, expires);
            send(sub, true, "active;expires=" + expires, current(sub.aor()));
        }
        return true;
    }

    /** A response to one of our NOTIFYs: a failure ends the subscription (RFC 6665 section 4.2.2). */
    @Override
    public void onResponse(SipServletResponse resp) {
        if (!"NOTIFY".equals(resp.getMethod()) || resp.getStatus() < 300) return;
        SipSession s = resp.getSession(false);
        if (s != null && s.isValid() && s.getAttribute(SUBSCRIPTION) instanceof RegSubscription sub) {
            log.info("reg subscription to {} from {} ended by a {} to its NOTIFY", sub.aor(), sub.watcher(), resp.getStatus());
            remove(sub);
        }
    }

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        Set<RegSubscription> subs = byAor.get(aor);
        if (subs == null) return;
        for (RegSubscription sub : subs) {
            synchronized (sub) {
                if (sub.ended()) continue;
                long left = Math.max(0, (sub.expiresAt() - clock.getAsLong()) / 1000);
                send(sub, false, "active;expires=" + left, changes);
            }
        }
    }

    private void notifyFull(RegSubscription sub, String state) {
        synchronized (sub) {
            send(sub, true, state, current(sub.aor()));
        }
    }

    private List<BindingChange> current(String aor) {
        return bindings.current(aor).stream().map(b -> new BindingChange(b, BindingChange.Event.REGISTERED)).toList();
    }

    private void send(RegSubscription sub, boolean full, String state, List<BindingChange> contacts) {
        boolean active = !bindings.current(sub.aor()).isEmpty();
        String body = RegInfo.write(sub.aor(), sub.nextVersion(), full, active, contacts, clock.getAsLong());
        try {
            SipServletRequest notify = sub.session().createRequest("NOTIFY");
            notify.setHeader("Event", "reg");
            notify.setHeader("Subscription-State", state);
            notify.setContent(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), RegInfo.CONTENT_TYPE);
            notify.send();
        } catch (IOException | IllegalStateException e) {
            log.info("reg subscription to {} from {} dropped, NOTIFY not sent: {}", sub.aor(), sub.watcher(), e.toString());
            remove(sub);
        }
    }

    private void schedule(RegSubscription sub, int seconds) {
        sub.expireAt(clock.getAsLong() + seconds * 1000L, timers.schedule(() -> expire(sub), seconds, TimeUnit.SECONDS));
        // The container's own session timer must not end the dialog first.
        sub.session().getApplicationSession().setExpires(seconds / 60 + 2);
    }

    private void expire(RegSubscription sub) {
        synchronized (sub) {
            if (sub.ended()) return;
            send(sub, true, "terminated;reason=timeout", current(sub.aor()));
            remove(sub);
        }
    }

    private void remove(RegSubscription sub) {
        synchronized (sub) {
            if (sub.ended()) return;
            Set<RegSubscription> subs = byAor.get(sub.aor());
            if (subs != null && subs.remove(sub)) {
                count.decrementAndGet();
                byAor.computeIfPresent(sub.aor(), (k, v) -> v.isEmpty() ? null : v);
            }
            end(sub);
        }
    }

    /** Frees the dialog a little later, so the last NOTIFY's transaction can still complete. */
    private void end(RegSubscription sub) {
        sub.end();
        timers.schedule(() -> {
            try {
                if (sub.session().getApplicationSession().isValid()) sub.session().getApplicationSession().invalidate();
            } catch (IllegalStateException alreadyGone) {
                // ended meanwhile
            }
        }, 5, TimeUnit.SECONDS);
    }

    /** The expiry to grant, or null after answering 423/400 for a bad one. */
    private Integer grantedExpires(Exchange ex, SipServletRequest req) throws IOException {
        int asked = req.getExpires();
        if (asked < 0) return settings.defaultExpires();
        if (asked > 0 && asked < settings.minExpires()) {
            SipServletResponse r = ex.response(423, "Interval Too Brief");
            r.setHeader("Min-Expires", Integer.toString(settings.minExpires()));
            ex.send(r);
            return null;
        }
        return Math.min(asked, settings.maxExpires());
    }

    private static String eventPackage(SipServletRequest req) {
        String event = req.getHeader("Event");
        if (event == null) return null;
        int semi = event.indexOf(';');
        return (semi < 0 ? event : event.substring(0, semi)).trim().toLowerCase();
    }

    private static boolean acceptsRegInfo(SipServletRequest req) {
        java.util.ListIterator<String> it = req.getHeaders("Accept");
        if (!it.hasNext()) return true;
        while (it.hasNext()) {
            for (String type : it.next().split(",")) {
                String t = type.split(";")[0].trim().toLowerCase();
                if (t.equals(RegInfo.CONTENT_TYPE) || t.equals("*/*") || t.equals("application/*")) return true;
            }
        }
        return false;
    }
}
