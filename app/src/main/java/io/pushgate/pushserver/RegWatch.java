package io.pushgate.pushserver;

import io.pushgate.pipeline.FinishedTransactions;
import io.pushgate.regevent.RegInfo;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to the registration state of one callee (RFC 3680), shared by every call that
 * waits for that callee. It ends (Expires: 0) when the last of those calls is gone.
 */
final class RegWatch {
    private static final Logger log = LoggerFactory.getLogger(RegWatch.class);
    static final String ATTRIBUTE = "pushgate.reg-watch";

    private final String aor;
    private final Set<WaitingCall> calls = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private SipSession dialog;
    private long expiresAt;
    private boolean ended;

    private RegWatch(String aor, LongSupplier clock) {
        this.aor = aor;
        this.clock = clock;
    }

    /** Sends the SUBSCRIBE; NOTIFYs arrive in its dialog. */
    static RegWatch start(String aor, Address watcher, Address proxyRoute, int expires, SipFactory factory, LongSupplier clock)
            throws ServletParseException, IOException {
        RegWatch w = new RegWatch(aor, clock);
        SipApplicationSession app = factory.createApplicationSession();
        SipServletRequest sub = factory.createRequest(app, "SUBSCRIBE", watcher, factory.createAddress("<" + aor + ">"));
        sub.pushRoute(proxyRoute);
        sub.setHeader("Event", "reg");
        sub.setHeader("Accept", RegInfo.CONTENT_TYPE);
        sub.setExpires(expires);
        app.setExpires(expires / 60 + 2);
        synchronized (w) {
            w.dialog = sub.getSession();
            w.expiresAt = clock.getAsLong() + expires * 1000L;
        }
        sub.getSession().setAttribute(ATTRIBUTE, w);
        sub.send();
        return w;
    }

    String aor() { return aor; }

    /** Adds a waiting call; false when the watch has already ended (the caller then starts a new one). */
    synchronized boolean add(WaitingCall call, int needSeconds, int expires) {
        if (ended) return false;
        calls.add(call);
        if (expiresAt - clock.getAsLong() < (needSeconds + 5) * 1000L) refresh(expires);
        return true;
    }

    /** Removes a call; the last one out ends the subscription. Returns true when it did. */
    synchronized boolean remove(WaitingCall call) {
        calls.remove(call);
        if (!calls.isEmpty() || ended) return false;
        ended = true;
        refresh(0);
        return true;
    }

    private void refresh(int expires) {
        try {
            if (dialog == null || !dialog.isValid()) return;
            SipServletRequest sub = dialog.createRequest("SUBSCRIBE");
            sub.setHeader("Event", "reg");
            sub.setHeader("Accept", RegInfo.CONTENT_TYPE);
            sub.setExpires(expires);
            sub.send();
            expiresAt = clock.getAsLong() + expires * 1000L;
            if (expires > 0) dialog.getApplicationSession().setExpires(expires / 60 + 2);
        } catch (IOException | IllegalStateException e) {
            log.info("reg subscription to {} not refreshed: {}", aor, e.toString());
        }
    }

    /** A NOTIFY of this subscription: read, any active contact hands the waiting calls back, then answered. */
    void onNotify(SipServletRequest notify) throws IOException {
        List<RegInfo.Registration> regs;
        try {
            byte[] body = notify.getRawContent();
            regs = body == null || body.length == 0 ? List.of() : RegInfo.parse(body);
        } catch (IllegalArgumentException e) {
            notify.createResponse(400, "Bad reginfo").send();
            log.warn("unreadable NOTIFY for {}: {}", aor, e.getMessage());
            return;
        }
        String state = notify.getHeader("Subscription-State");
        boolean terminated = state != null && state.trim().toLowerCase().startsWith("terminated");
        boolean active = regs.stream().anyMatch(RegInfo.Registration::hasActiveContact);
        List<WaitingCall> waiting;
        synchronized (this) {
            if (terminated) ended = true;
            waiting = List.copyOf(calls);
        }
        boolean handingBack = active && !waiting.isEmpty();
        // the calls first: the registrar can wait a moment for its 200, the caller is waiting on us
        List<String> activeContacts = regs.stream().flatMap(r -> r.contacts().stream())
                .filter(RegInfo.Contact::active).map(RegInfo.Contact::uri).toList();
        if (handingBack) for (WaitingCall c : waiting) c.handBack(activeContacts);
        notify.createResponse(200).send();
        // kept apart from the dialog, which the container frees once it has ended (pipeline/Exchange says why)
        FinishedTransactions.release(notify);
        if (handingBack) {
            log.info("{} registered; handed back {} waiting call(s)", aor, waiting.size());
        } else if (terminated && !waiting.isEmpty()) {
            log.warn("reg subscription to {} terminated by the registrar ({}) while {} call(s) wait; they will time out", aor, state, waiting.size());
        }
        if (terminated) releaseLater();
    }

    /** The answer to our SUBSCRIBE: a failure means we will not learn of the callee registering. */
    void onResponse(SipServletResponse resp) {
        if (resp.getStatus() < 300) return;
        log.warn("reg subscription to {} refused: {} {}; waiting calls can only time out", aor, resp.getStatus(), resp.getReasonPhrase());
        synchronized (this) {
            ended = true;
        }
        releaseLater();
    }

    synchronized boolean ended() { return ended; }

    private void releaseLater() {
        SipSession d = dialog;
        if (d != null && d.isValid()) d.getApplicationSession().setInvalidateWhenReady(true);
    }
}
