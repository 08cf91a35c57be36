package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * The connections of WebSocket clients (RFC 7118): their contacts name ".invalid" hosts, so a
 * request inside a dialog with one (ACK, BYE, re-INVITE) would be sent nowhere. This keeps, by
 * contact, the connection a client registered over, and the connection of a client that calls
 * without registering (from its authenticated initial request, for websocket-caller-ttl), and
 * points such requests there.
 */
public final class WebSocketFlows implements BindingChange.Listener, RequestStep {
    /** Callers remembered at most; past it the expired ones go, then the oldest are not replaced. */
    static final int MAX_CALLERS = 100_000;

    /** Where a contact is reached: the connection's address and its transport (ws or wss). */
    record Flow(String host, int port, String transport, long at) {}

    /** contact URI as registered -> its binding (which knows the connection's address and transport). */
    private final Map<String, BindingRecord> registered = new ConcurrentHashMap<>();
    private final Map<String, Flow> callers = new ConcurrentHashMap<>();
    private final long callerTtlMs;
    private final LongSupplier clock;

    public WebSocketFlows(int callerTtlSeconds, LongSupplier clock) {
        this.callerTtlMs = callerTtlSeconds * 1000L;
        this.clock = clock;
    }

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            BindingRecord b = c.binding();
            if (!b.viaWebSocket() || b.received() == null) continue;
            if (c.event().active()) registered.put(b.contactUri(), b);
            else registered.computeIfPresent(b.contactUri(), (k, known) -> known.id().equals(b.id()) ? null : known);
        }
    }

    /** Remembers the connection of a WebSocket client that starts a dialog without being registered. */
    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        String transport = req.getInitialTransport() == null ? "" : req.getInitialTransport().toLowerCase();
        if ((transport.equals("ws") || transport.equals("wss")) && !"REGISTER".equals(ex.method())) {
            Address contact = contactOf(req);
            if (contact != null && contact.getURI() instanceof SipURI sip && sip.getHost().endsWith(".invalid")
                    && !registered.containsKey(sip.toString())) {
                remember(sip.toString(), new Flow(req.getInitialRemoteAddr(), req.getInitialRemotePort(), transport, clock.getAsLong()));
            }
        }
        chain.proceed(ex);
    }

    private void remember(String contact, Flow flow) {
        if (callers.size() >= MAX_CALLERS) {
            long now = clock.getAsLong();
            callers.values().removeIf(f -> now - f.at() > callerTtlMs);
            if (callers.size() >= MAX_CALLERS && !callers.containsKey(contact)) return;
        }
        callers.put(contact, flow);
    }

    private static Address contactOf(SipServletRequest req) {
        try {
            return req.getAddressHeader("Contact");
        } catch (ServletParseException e) {
            return null; // a broken Contact is for later steps to refuse
        }
    }

    /** Points a request whose Request-URI is a WebSocket client's contact at its connection. */
    public void route(SipServletRequest req) {
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI sip) || !sip.getHost().endsWith(".invalid")) return;
        SipURI target = (SipURI) sip.clone();
        BindingRecord b = registered.get(ruri.toString());
        if (b != null) {
            BindingTarget.pointAt(target, b);
        } else {
            Flow f = callers.get(ruri.toString());
            if (f == null) return;
            if (clock.getAsLong() - f.at() > callerTtlMs) {
                callers.remove(ruri.toString(), f);
                return;
            }
            target.setHost(f.host());
            target.setPort(f.port());
            target.setTransportParam(f.transport());
        }
        req.setRequestURI(target);
    }
}
