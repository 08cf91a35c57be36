package io.pushgate.pushserver;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

/**
 * Pipeline step of the registrar/proxy, just before location routing: an INVITE for a local user
 * with no live binding but known push devices (or marked for push by the operator) goes to the
 * push application server instead of getting 480. The devices' contacts travel in Push-Device headers. A call coming back from the
 * application server itself is left to location routing, so it can never loop.
 */
public final class SleepingCalleeRouter implements RequestStep {
    /** Header that carries one push device's contact (with its pn-* parameters) to the application server. */
    public static final String DEVICE_HEADER = "Push-Device";

    private final LocalDomain domain;
    private final BindingStore bindings;
    private final PushDevices devices;
    private final io.pushgate.subscriber.SubscriberDirectory subscribers;
    private final ProxyForwarder forwarder;
    private final Address server;
    private final String serverHost;

    public SleepingCalleeRouter(LocalDomain domain, io.pushgate.subscriber.SubscriberDirectory subscribers, BindingStore bindings,
                                PushDevices devices, ProxyForwarder forwarder, SipFactory factory, String serverUri)
            throws javax.servlet.sip.ServletParseException {
        this.domain = domain;
        this.subscribers = subscribers;
        this.bindings = bindings;
        this.devices = devices;
        this.forwarder = forwarder;
        this.server = factory.createAddress("<" + serverUri + ">");
        ((SipURI) server.getURI()).setLrParam(true);
        this.serverHost = ((SipURI) server.getURI()).getHost();
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        // Whatever a caller put there is not ours to pass on.
        req.removeHeader(DEVICE_HEADER);
        String user = "INVITE".equals(ex.method()) ? domain.localUser(req.getRequestURI()) : null;
        if (user == null || serverHost.equals(req.getInitialRemoteAddr())) {
            chain.proceed(ex);
            return;
        }
        String aor = domain.aor(user);
        List<String> known = devices.of(aor);
        boolean marked = known.isEmpty() && subscribers.find(user).map(io.pushgate.subscriber.Subscriber::pushMarked).orElse(false);
        if ((known.isEmpty() && !marked) || !bindings.current(aor).isEmpty()) {
            chain.proceed(ex);
            return;
        }
        for (String contact : known) req.addHeader(DEVICE_HEADER, "<" + contact + ">");
        forwarder.forward(ex, List.of(new ProxyForwarder.Target(req.getRequestURI(), List.of(server))));
    }
}
