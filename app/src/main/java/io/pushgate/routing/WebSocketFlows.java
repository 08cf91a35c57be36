package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * The connections of WebSocket clients (RFC 7118): their contacts name ".invalid" hosts, so a
 * request inside a dialog with one (ACK, BYE, re-INVITE) would be sent nowhere. A registered
 * client is found by its binding, which knows the connection it registered over. A client that
 * calls without registering is found through its dialog: as a pipeline step this writes the
 * connection its initial request came over onto the dialog's session, which lives exactly as long
 * as the dialog (the container reaches a client whose contact carries RFC 5626 ";ob" by itself,
 * one without it not at all).
 */
public final class WebSocketFlows implements BindingChange.Listener, RequestStep {
    private static final String CALLER_FLOW = WebSocketFlows.class.getName() + ".caller";

    /** A WebSocket caller's contact and the connection it is reached over. */
    record CallerFlow(String contact, String host, int port, String transport) implements Serializable {}

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

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        String transport = req.getInitialTransport() == null ? "" : req.getInitialTransport().toLowerCase();
        if ((transport.equals("ws") || transport.equals("wss")) && !"REGISTER".equals(ex.method())) {
            Address contact = contactOf(req);
            if (contact != null && contact.getURI() instanceof SipURI sip && sip.getHost().endsWith(".invalid")) {
                req.getSession().setAttribute(CALLER_FLOW,
                        new CallerFlow(sip.toString(), req.getInitialRemoteAddr(), req.getInitialRemotePort(), transport));
            }
        }
        chain.proceed(ex);
    }

    private static Address contactOf(SipServletRequest req) {
        try {
            return req.getAddressHeader("Contact");
        } catch (ServletParseException e) {
            return null; // a broken Contact is for later steps to refuse
        }
    }

    /**
     * Points a request inside a dialog whose Request-URI is a WebSocket client's contact at its
     * connection; the container then routes it on, so the request is never taken here.
     */
    @Override
    public boolean onSubsequent(SipServletRequest req) {
        route(req);
        return false;
    }

    private void route(SipServletRequest req) {
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI sip) || !sip.getHost().endsWith(".invalid")) return;
        SipURI target = (SipURI) sip.clone();
        BindingRecord b = flows.get(ruri.toString());
        if (b != null) {
            BindingTarget.pointAt(target, b);
        } else {
            SipSession session = req.getSession(false);
            if (session == null || !session.isValid()
                    || !(session.getAttribute(CALLER_FLOW) instanceof CallerFlow f) || !f.contact().equals(ruri.toString())) return;
            target.setHost(f.host());
            target.setPort(f.port());
            target.setTransportParam(f.transport());
        }
        req.setRequestURI(target);
    }
}
