package io.pushgate.gateway;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipURI;

/**
 * Last step of the gateway role: a request from a device that is not for the gateway's bindings
 * (the gateway used as outbound proxy) goes to the backend without lookup.
 */
public final class BackendForwarder implements RequestStep {
    private final GatewaySettings settings;
    private final LocalDomain self;
    private final SipFactory factory;
    private final ProxyForwarder forwarder;

    public BackendForwarder(GatewaySettings settings, LocalDomain self, SipFactory factory, ProxyForwarder forwarder) {
        this.settings = settings;
        this.self = self;
        this.factory = factory;
        this.forwarder = forwarder;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String route = settings.backendRoute();
        SipURI next = route != null ? (SipURI) factory.createURI(route)
                : ex.request().getRequestURI() instanceof SipURI s ? s : null;
        if (next == null) {
            ex.reply(416, "Unsupported URI Scheme");
            return;
        }
        if (self.isListening(next.getHost(), next.getPort()) || (route == null && self.isLocal(next))) {
            ex.reply(482, "Loop Detected");
            return;
        }
        List<Address> routes = route == null ? List.of() : List.of(factory.createAddress("<" + route + ">"));
        forwarder.forward(ex, List.of(new ProxyForwarder.Target(ex.request().getRequestURI(), routes)));
    }
}
