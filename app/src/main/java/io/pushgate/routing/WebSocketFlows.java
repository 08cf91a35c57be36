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
    /** contact URI as registered -> transport and host:port of its connection. */
    private final Map<String, String> flows = new ConcurrentHashMap<>();

    @Override
    public void changed(String aor, List<BindingChange> changes) {
        for (BindingChange c : changes) {
            BindingRecord b = c.binding();
            if (b.source() == null || !b.source().startsWith("ws") || b.received() == null) continue;
            String flow = b.source().substring(0, b.source().indexOf(':')) + " " + b.received();
            if (c.event().active()) flows.put(b.contactUri(), flow);
            else flows.remove(b.contactUri(), flow);
        }
    }

    /** Points a request whose Request-URI is a WebSocket client's contact at its connection. */
    public void route(SipServletRequest req) {
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI sip) || !sip.getHost().endsWith(".invalid")) return;
        String flow = flows.get(ruri.toString());
        if (flow == null) return;
        SipURI target = (SipURI) sip.clone();
        String[] transportAndAddress = flow.split(" ", 2);
        int colon = transportAndAddress[1].lastIndexOf(':');
        target.setTransportParam(transportAndAddress[0]);
        target.setHost(transportAndAddress[1].substring(0, colon).replace("[", "").replace("]", ""));
        target.setPort(Integer.parseInt(transportAndAddress[1].substring(colon + 1)));
        req.setRequestURI(target);
    }
}
