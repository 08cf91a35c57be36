package io.pushgate.routing;

import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * The connections of WebSocket clients (RFC 7118): their contacts name ".invalid" hosts, so a
 * request inside a dialog with one (ACK, BYE, re-INVITE) would be sent nowhere. Keyed by the
 * registered contact, this keeps the address of the connection it registered over, and points
 * such requests there.
 */
public final class WebSocketFlows implements BindingChange.Listener {
    /** contact URI as registered -> its binding (which knows the connection's address and transport). */
    private final Map<String, BindingRecord> flows = new ConcurrentHashMap<>();

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            BindingRecord b = c.binding();
            if (!b.viaWebSocket() || b.received() == null) continue;
            if (c.event().active()) flows.put(b.contactUri(), b);
            else flows.computeIfPresent(b.contactUri(), (k, known) -> known.id().equals(b.id()) ? null : known);
        }
    }

    /** Points a request whose Request-URI is a WebSocket client's contact at its connection. */
    public void route(SipServletRequest req) {
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI sip) || !sip.getHost().endsWith(".invalid")) return;
        BindingRecord b = flows.get(ruri.toString());
        if (b == null) return;
        SipURI target = (SipURI) sip.clone();
        BindingTarget.pointAt(target, b);
        req.setRequestURI(target);
    }
}
