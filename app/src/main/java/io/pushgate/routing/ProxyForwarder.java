package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.servlet.sip.Address;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.TooManyHopsException;
import javax.servlet.sip.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands a request to the container's stateful proxy, with our record-route and timer policy. */
public final class ProxyForwarder {
    private static final Logger log = LoggerFactory.getLogger(ProxyForwarder.class);
    /** Methods that create a dialog, so the proxy record-routes them (RFC 3261 section 16.6). */
    private static final Set<String> DIALOG_CREATING = Set.of("INVITE", "SUBSCRIBE", "REFER", "NOTIFY");

    /** One destination, and the route set (top first) to reach it. */
    public record Target(URI uri, List<Address> routes) {
        /** Puts the route set on a request bound for this target, top route first. */
        public void routeOnto(SipServletRequest req) {
            for (int r = routes.size() - 1; r >= 0; r--) req.pushRoute(routes.get(r));
        }
    }

    private final RouterSettings settings;

    public ProxyForwarder(RouterSettings settings) {
        this.settings = settings;
    }

    /** Forks in parallel to the targets, in the given order. */
    public void forward(Exchange ex, List<Target> targets) throws TooManyHopsException {
        SipServletRequest req = ex.request();
        Proxy proxy = req.getProxy();
        proxy.setRecordRoute(settings.recordRoute() && DIALOG_CREATING.contains(req.getMethod()));
        proxy.setParallel(true);
        proxy.setSupervised(ex.watchesResponses());
        proxy.setProxyTimeout(settings.branchTimeoutSeconds());
        List<ProxyBranch> branches = proxy.createProxyBranches(targets.stream().map(Target::uri).toList());
        for (int i = 0; i < branches.size(); i++) targets.get(i).routeOnto(branches.get(i).getRequest());
        ex.proxied();
        if (!startEveryBranch(proxy, req)) ex.proxyAnsweredItself();
    }

    /**
     * The container starts branches one after the other and gives up at the first that cannot be
     * sent (a TCP contact refusing the connection), leaving the later ones unstarted. A failed
     * branch is already marked started, so starting again moves on to the next; a failed one ends
     * with the branch timer, unless every branch failed: then nothing can answer, and the caller
     * gets 480 at once (RFC 3261 section 16.9 counts a transport error as a 503 from that branch;
     * the Reason header says so) instead of waiting for the timer. Returns whether a branch is out.
     */
    private static boolean startEveryBranch(Proxy proxy, SipServletRequest req) {
        List<ProxyBranch> failed = new ArrayList<>();
        while (true) {
            List<ProxyBranch> startedBefore = started(proxy);
            try {
                proxy.startProxy();
                break;
            } catch (IllegalStateException e) {
                List<ProxyBranch> now = started(proxy);
                now.removeAll(startedBefore);
                if (now.isEmpty()) throw e; // not a branch failing: the proxy itself refused
                failed.addAll(now);
                log.warn("{} {}: a branch could not be sent, starting the others: {}", req.getMethod(), req.getCallId(),
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
        }
        if (failed.isEmpty() || failed.size() < proxy.getProxyBranches().size()) return true;
        answerUnreachable(req, failed);
        return false;
    }

    private static void answerUnreachable(SipServletRequest req, List<ProxyBranch> failed) {
        ProxyAnswer answer = new ProxyAnswer(req);
        for (ProxyBranch b : failed) {
            try {
                b.cancel();
            } catch (IllegalStateException e) {
                log.debug("branch {} could not be cancelled: {}", b.getRequest().getRequestURI(), e.getMessage());
            }
        }
        answer.send(480, "Temporarily Unavailable", "SIP;cause=503;text=\"No device could be reached\"");
    }

    private static List<ProxyBranch> started(Proxy proxy) {
        return proxy.getProxyBranches().stream().filter(ProxyBranch::isStarted).collect(Collectors.toList());
    }
}
