package io.pushgate.gateway;

import io.pushgate.pipeline.Exchange;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushParams;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.store.Database;
import io.pushgate.store.PeerNotices;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MESSAGE for a device behind the gateway: stored in the database first (so a restart loses
 * nothing), answered 202 Accepted, an alert push sent, and delivered to each current contact; a
 * copy that is not delivered waits for the device to re-register, until message-expires.
 */
public final class MessageRelay {
    private static final Logger log = LoggerFactory.getLogger(MessageRelay.class);
    private static final String MESSAGE_ID = MessageRelay.class.getName() + ".id";

    private final Database db;
    private final SipFactory factory;
    private final BindingTarget targets;
    private final PushDispatcher push;
    private final int expiresSeconds;
    private final LongSupplier clock;
    /**
     * The AORs that may have stored messages, so that the registrations of all the others (nearly
     * every one) cost no query: that query was ~5% of the gateway's CPU per REGISTER. Other gateways
     * on the same PostgreSQL tell this one the AORs they store messages for ({@link #TOPIC}), so
     * that a device registering here gets a message another node took, even one that died since.
     */
    private final Set<String> mayHaveMessages = ConcurrentHashMap.newKeySet();
    private final PeerNotices notices;
    /** The {@link PeerNotices} topic of stored messages; keys are AORs. */
    static final String TOPIC = "messages";

    public MessageRelay(Database db, PeerNotices notices, SipFactory factory, BindingTarget targets, PushDispatcher push, int expiresSeconds,
                        LongSupplier clock) {
        this.db = db;
        this.factory = factory;
        this.targets = targets;
        this.push = push;
        this.expiresSeconds = expiresSeconds;
        this.clock = clock;
        this.notices = notices;
        notices.subscribe(TOPIC, new PeerNotices.Subscriber() {
            @Override public void changed(Set<String> aors) { mayHaveMessages.addAll(aors); }
            @Override public void missed() { loadAors(); }
        });
        loadAors();
    }

    private void loadAors() {
        mayHaveMessages.addAll(db.inTransaction(s -> s.createSelectionQuery(
                "select distinct aor from StoredMessage", String.class).getResultList()));
    }

    /** Takes responsibility for a MESSAGE from the backend: store, 202, push, try to deliver. */
    public void accept(Exchange ex, String aor, List<BindingRecord> bindings) throws IOException {
        SipServletRequest req = ex.request();
        byte[] body = req.getRawContent();
        StoredMessage m = new StoredMessage(UUID.randomUUID().toString(), aor, req.getHeader("From"), req.getHeader("To"),
                req.getContentType(), body == null ? new byte[0] : body, clock.getAsLong() + expiresSeconds * 1000L);
        db.inTransaction(s -> {
            s.persist(m);
            notices.send(s, TOPIC, List.of(aor));
            return null;
        });
        mayHaveMessages.add(aor); // after the commit: see onRegistered
        ex.reply(202, "Accepted");
        for (BindingRecord b : bindings) {
            try {
                PushParams.parseUri(b.contactUri()).ifPresent(p -> push.send(new PushNotification(PushNotification.Kind.MESSAGE, p,
                        req.getFrom().getURI().toString(), aor, req.getCallId(), Duration.ofSeconds(expiresSeconds))));
            } catch (PushParams.InvalidPushParams e) {
                log.debug("no push for {}: {}", PushParams.redacted(b.contactUri()), e.getMessage());
            }
        }
        deliver(m, bindings);
    }

    /** A device of {@code aor} registered: its waiting messages go to the fresh contacts. */
    public void onRegistered(String aor, List<BindingRecord> fresh) {
        // Removed before the query, added back if it finds messages: a message stored meanwhile is
        // either committed before the query (found) or added to the set after this removal.
        if (!mayHaveMessages.remove(aor)) return;
        List<StoredMessage> waiting;
        try {
            long now = clock.getAsLong();
            waiting = db.inTransaction(s -> s.createSelectionQuery(
                    "from StoredMessage where aor = :aor and expiresAt > :now", StoredMessage.class)
                    .setParameter("aor", aor).setParameter("now", now).getResultList());
        } catch (RuntimeException e) {
            mayHaveMessages.add(aor);
            log.warn("stored messages for {} not read, will try on the next registration: {}", aor, e.getMessage());
            return;
        }
        // Kept until a registration finds none: the deliveries below may fail.
        if (!waiting.isEmpty()) mayHaveMessages.add(aor);
        for (StoredMessage m : waiting) deliver(m, fresh);
    }

    private void deliver(StoredMessage m, List<BindingRecord> bindings) {
        for (BindingRecord b : bindings) {
            try {
                ProxyForwarder.Target t = targets.of(b);
                SipApplicationSession session = factory.createApplicationSession();
                session.setAttribute(MESSAGE_ID, m.id());
                Address from = factory.createAddress(m.from());
                Address to = factory.createAddress(m.to());
                SipServletRequest out = factory.createRequest(session, "MESSAGE", from, to);
                out.setRequestURI(t.uri());
                t.routeOnto(out);
                if (m.body().length > 0) out.setContent(m.body(), m.contentType());
                out.send();
            } catch (IOException | javax.servlet.ServletException | RuntimeException e) {
                log.warn("stored message {} not sent to {}: {}", m.id(), PushParams.redacted(b.contactUri()), e.toString());
            }
        }
    }

    /** True when the response belongs to a stored message we sent; a 2xx deletes the message. */
    public boolean onResponse(SipServletResponse resp) {
        SipApplicationSession s = resp.getApplicationSession(false);
        Object id = s == null || !s.isValid() ? null : s.getAttribute(MESSAGE_ID);
        if (id == null) return false;
        if (resp.getStatus() >= 200) {
            if (resp.getStatus() < 300) {
                try {
                    db.inTransaction(x -> x.createMutationQuery("delete from StoredMessage where id = :id")
                            .setParameter("id", id).executeUpdate());
                    log.info("stored message {} delivered", id);
                } catch (RuntimeException e) {
                    log.warn("stored message {} delivered but not deleted, it may be sent twice: {}", id, e.getMessage());
                }
            }
            s.invalidate();
        }
        return true;
    }

    /** Messages still waiting for their device, soonest to expire first. */
    public List<StoredMessage> waiting(int limit) {
        long now = clock.getAsLong();
        return db.inTransaction(s -> s.createSelectionQuery("from StoredMessage where expiresAt > :now order by expiresAt", StoredMessage.class)
                .setParameter("now", now).setMaxResults(limit).getResultList());
    }

    /** Deletes a waiting message (an operator's decision); false when there is none of that id. */
    public boolean delete(String id) {
        return db.inTransaction(s -> s.createMutationQuery("delete from StoredMessage where id = :id").setParameter("id", id).executeUpdate()) > 0;
    }

    /** Drops messages past message-expires. */
    public int purgeExpired() {
        long now = clock.getAsLong();
        return db.inTransaction(s -> s.createMutationQuery("delete from StoredMessage where expiresAt <= :now")
                .setParameter("now", now).executeUpdate());
    }
}
