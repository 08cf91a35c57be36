package io.pushgate.pushserver;

import io.pushgate.heldcall.HeldCalls;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.util.List;
import java.util.ListIterator;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

/**
 * Pipeline step of the registrar/proxy, just before location routing: an INVITE for a local user
 * with no live binding but known push devices (or marked for push by the operator) goes to the
 * push application server instead of getting 480. The devices' contacts travel in Push-Device headers. A call the application
 * server hands back (a Push-Hand-Back header) is left to location routing, so it can never loop; the header, which a caller
 * could only use to keep its own call from being pushed, goes no further.
 */
public final class SleepingCalleeRouter implements RequestStep {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SleepingCalleeRouter.class);
    /** Header that carries one push device's contact (with its pn-* parameters) to the application server. */
    public static final String DEVICE_HEADER = "Push-Device";
    /** Header of the application server's final response naming a device whose push token is dead. */
    public static final String DEVICE_GONE_HEADER = "Push-Device-Gone";
    /** Header of a call the application server hands back to the proxy, with the waiting call's Call-ID. */
    public static final String HAND_BACK_HEADER = "Push-Hand-Back";
    private static final String HELD = "pushgate.held-call";

    private final LocalDomain domain;
    private final BindingStore bindings;
    private final PushDevices devices;
    private final io.pushgate.subscriber.SubscriberDirectory subscribers;
    private final ProxyForwarder forwarder;
    private final Address server;
    private final String serverHost;
    private final HeldCalls heldCalls;
    private final int holdSeconds;

    public SleepingCalleeRouter(LocalDomain domain, io.pushgate.subscriber.SubscriberDirectory subscribers, BindingStore bindings,
                                PushDevices devices, ProxyForwarder forwarder, SipFactory factory, String serverUri,
                                HeldCalls heldCalls, int holdSeconds) throws javax.servlet.sip.ServletParseException {
        this.domain = domain;
        this.subscribers = subscribers;
        this.bindings = bindings;
        this.devices = devices;
        this.forwarder = forwarder;
        this.server = factory.createAddress("<" + serverUri + ">");
        ((SipURI) server.getURI()).setLrParam(true);
        this.serverHost = ((SipURI) server.getURI()).getHost();
        this.heldCalls = heldCalls;
        this.holdSeconds = holdSeconds;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        // Whatever a caller put there is not ours to pass on.
        req.removeHeader(DEVICE_HEADER);
        boolean handedBack = req.getHeader(HAND_BACK_HEADER) != null;
        req.removeHeader(HAND_BACK_HEADER);
        String user = "INVITE".equals(ex.method()) ? domain.localUser(req.getRequestURI()) : null;
        if (user == null || handedBack) {
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
        ex.watchResponses(); // the server's final response may name dead devices (onResponse)
        // Should this proxy die while the call waits there, the application server's answers would have nowhere to go.
        req.getApplicationSession().setAttribute(HELD, heldCalls.hold(req, aor,
                null, "The proxy restarted while the callee was waking", holdSeconds));
        forwarder.forward(ex, List.of(new ProxyForwarder.Target(req.getRequestURI(), List.of(server))));
    }

    /**
     * A final response from the application server may name devices whose push service said the
     * token is dead: they are forgotten. The header never goes further than this proxy.
     */
    @Override
    public void onResponse(SipServletResponse resp) {
        if (resp.getStatus() >= 200 && "INVITE".equals(resp.getMethod())) releaseHeld(resp);
        if (resp.getHeader(DEVICE_GONE_HEADER) == null) return;
        if ("INVITE".equals(resp.getMethod()) && serverHost.equals(resp.getRemoteAddr()) && resp.getTo().getURI() instanceof SipURI to
                && to.getUser() != null) {
            String aor = domain.aor(to.getUser());
            for (ListIterator<String> it = resp.getHeaders(DEVICE_GONE_HEADER); it.hasNext(); ) {
                String uri = it.next().trim();
                if (uri.startsWith("<") && uri.indexOf('>') > 0) uri = uri.substring(1, uri.indexOf('>'));
                if (devices.forget(aor, uri)) log.info("push device {} of {} forgotten: its push token is no longer valid", io.pushgate.push.PushParams.redacted(uri), aor);
            }
        }
        resp.removeHeader(DEVICE_GONE_HEADER);
    }

    private static void releaseHeld(SipServletResponse resp) {
        javax.servlet.sip.SipApplicationSession session = resp.getApplicationSession(false);
        if (session == null || !session.isValid()) return;
        if (session.getAttribute(HELD) instanceof HeldCalls.Ticket held) {
            session.removeAttribute(HELD);
            held.release();
        }
    }
}
