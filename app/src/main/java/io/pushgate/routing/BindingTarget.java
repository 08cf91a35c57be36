package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.registrar.BindingRecord;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.TooManyHopsException;
import javax.servlet.sip.URI;

/** Where a request for a binding goes: its contact (behind NAT, the observed address) along its Path. */
public final class BindingTarget {
    private final SipFactory factory;
    private final ProxyForwarder forwarder;

    public BindingTarget(SipFactory factory, ProxyForwarder forwarder) {
        this.factory = factory;
        this.forwarder = forwarder;
    }

    public ProxyForwarder.Target of(BindingRecord b) throws ServletParseException {
        URI uri = factory.createURI(b.contactUri());
        if (uri instanceof SipURI sip) pointAt(sip, b);
        List<Address> routes = new ArrayList<>();
        for (String p : b.path()) routes.add(factory.createAddress(p));
        return new ProxyForwarder.Target(uri, routes);
    }

    /**
     * Points a contact URI at where its binding is reached: the observed address when it differs
     * (NAT, or a WebSocket client's connection), over the transport the device registered with.
     */
    static void pointAt(SipURI sip, BindingRecord b) {
        if (b.received() != null) {
            int colon = b.received().lastIndexOf(':');
            sip.setHost(b.received().substring(0, colon).replace("[", "").replace("]", ""));
            sip.setPort(Integer.parseInt(b.received().substring(colon + 1)));
        }
        String transport = b.sourceTransport();
        if (transport != null && b.path().isEmpty()) {
            // A call that came in over a WebSocket would otherwise be sent on over a connection the
            // device never offered, and a browser on a secure WebSocket still writes transport=ws.
            if (b.viaWebSocket() || (sip.getTransportParam() == null && !"tls".equals(transport))) sip.setTransportParam(transport);
        }
    }

    /** Forks the request in parallel to the bindings, in the given order. */
    public void forwardTo(Exchange ex, List<BindingRecord> bindings) throws ServletParseException, TooManyHopsException {
        List<ProxyForwarder.Target> targets = new ArrayList<>();
        for (BindingRecord b : bindings) targets.add(of(b));
        forwarder.forward(ex, targets);
    }

    public ProxyForwarder forwarder() { return forwarder; }
}
