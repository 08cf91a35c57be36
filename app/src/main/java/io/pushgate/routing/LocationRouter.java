package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * Pipeline step: a request for a local user is forked in parallel to all its bindings, highest q
 * first, along each binding's Path. Unknown users get 404, known but unregistered ones 480.
 */
public final class LocationRouter implements RequestStep {
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final BindingStore bindings;
    private final SipFactory factory;
    private final ProxyForwarder forwarder;

    public LocationRouter(LocalDomain domain, SubscriberDirectory subscribers, BindingStore bindings, SipFactory factory,
                          ProxyForwarder forwarder) {
        this.domain = domain;
        this.subscribers = subscribers;
        this.bindings = bindings;
        this.factory = factory;
        this.forwarder = forwarder;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String user = domain.localUser(ex.request().getRequestURI());
        if (user == null) {
            chain.proceed(ex);
            return;
        }
        List<BindingRecord> live = bindings.current(domain.aor(user));
        if (live.isEmpty()) {
            if (subscribers.exists(user)) ex.reply(480, "Temporarily Unavailable");
            else ex.reply(404, "Not Found");
            return;
        }
        List<ProxyForwarder.Target> targets = new ArrayList<>();
        for (BindingRecord b : live) targets.add(target(b));
        forwarder.forward(ex, targets);
    }

    /** The contact as registered; behind NAT, with host and port of the address the REGISTER came from. */
    ProxyForwarder.Target target(BindingRecord b) throws javax.servlet.sip.ServletParseException {
        URI uri = factory.createURI(b.contactUri());
        if (b.received() != null && uri instanceof SipURI sip) {
            int colon = b.received().lastIndexOf(':');
            sip.setHost(b.received().substring(0, colon).replace("[", "").replace("]", ""));
            sip.setPort(Integer.parseInt(b.received().substring(colon + 1)));
        }
        List<Address> routes = new ArrayList<>();
        for (String p : b.path()) routes.add(factory.createAddress(p));
        return new ProxyForwarder.Target(uri, routes);
    }
}
