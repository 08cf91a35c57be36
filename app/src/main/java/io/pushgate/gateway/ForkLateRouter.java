package io.pushgate.gateway;

import io.pushgate.heldcall.HeldCalls;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.push.PushDispatcher;
import io.pushgate.trace.CallTraces;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.BindingTarget;
import io.pushgate.sip.SipUris;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step of the gateway role: a request from the backend whose Request-URI carries our
 * marker is unmasqueraded, and the device's bindings at the gateway are looked up. An INVITE then
 * waits in a {@link ForkContext}: forked to the device now, pushed after the delay, and sent again
 * when the device re-registers, until the call-fork-timeout. A MESSAGE is stored and delivered by
 * {@link MessageRelay}.
 */
public final class ForkLateRouter implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(ForkLateRouter.class);

    private final GatewaySettings gateway;
    private final ForkSettings settings;
    private final ContactMasquerader masquerader;
    private final BindingStore store;
    private final BindingTarget targets;
    private final PushDispatcher push;
    private final ScheduledExecutorService timers;
    private final MessageRelay messages;
    private final CallTraces traces;
    private final HeldCalls heldCalls;
    /** Waiting calls by the AOR of the device they wait for. */
    private final Map<String, Set<ForkContext>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    public ForkLateRouter(GatewaySettings gateway, ForkSettings settings, ContactMasquerader masquerader, BindingStore store,
                          BindingTarget targets, PushDispatcher push, ScheduledExecutorService timers, MessageRelay messages, CallTraces traces,
                          HeldCalls heldCalls) {
        this.gateway = gateway;
        this.settings = settings;
        this.masquerader = masquerader;
        this.store = store;
        this.targets = targets;
        this.push = push;
        this.timers = timers;
        this.messages = messages;
        this.traces = traces;
        this.heldCalls = heldCalls;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        Optional<String> aor = deviceAor(req);
        if (aor.isEmpty()) {
            chain.proceed(ex);
            return;
        }
        List<BindingRecord> bindings = candidates(req, aor.get());
        if (bindings.isEmpty()) {
            ex.reply(480, "No Binding At The Gateway");
            return;
        }
        if ("MESSAGE".equals(ex.method())) {
            messages.accept(ex, aor.get(), bindings);
            return;
        }
        if (!"INVITE".equals(ex.method())) {
            targets.forwardTo(ex, bindings);
            return;
        }
        if (count.get() >= settings.maxContexts()) {
            ex.reply(503, "Too Many Waiting Calls");
            return;
        }
        ForkContext ctx = new ForkContext(aor.get(), req, settings, targets, push, timers, this::finished,
                traces.begin(req.getCallId(), aor.get(), req.getFrom().getURI().toString()));
        count.incrementAndGet();
        waiting.computeIfAbsent(aor.get(), k -> ConcurrentHashMap.newKeySet()).add(ctx);
        req.getApplicationSession().setAttribute(ForkContext.class.getName(), ctx);
        ctx.held(heldCalls.hold(req, aor.get(), null, "The gateway holding the call restarted while the device was waking",
                settings.callForkTimeoutSeconds()));
        try {
            ctx.start(bindings);
        } catch (IOException | ServletException | RuntimeException e) {
            ctx.abandon("could not start: " + e);
            throw e;
        }
        ex.proxied();
    }

    /**
     * The device AOR a request from the backend is for, or empty when the request is not one.
     * Masquerade mode: the Request-URI carries our marker; with insert-domain the CtRt parameter
     * names the domain, otherwise the To header names the AOR. Path mode: the request came along
     * our Path (a Route to us was popped) and its Request-URI is a contact registered through us.
     */
    private Optional<String> deviceAor(SipServletRequest req) {
        if (!(req.getRequestURI() instanceof SipURI ruri)) return Optional.empty();
        Map<String, String> params = SipUris.parameters(ruri);
        String toAor = SipUris.aor(req.getTo().getURI());
        if (gateway.mode() == GatewaySettings.Mode.PATH) {
            if (req.getPoppedRoute() == null || toAor == null) return Optional.empty();
            boolean registeredHere = store.current(toAor).stream().anyMatch(b -> sameUri(b.contactUri(), ruri));
            return registeredHere ? Optional.of(toAor) : Optional.empty();
        }
        if (!params.containsKey(ContactMasquerader.MARKER)) return Optional.empty();
        Optional<ContactMasquerader.Origin> origin = masquerader.unmasquerade(params);
        if (origin.isPresent() && gateway.insertDomain() && ruri.getUser() != null) {
            return Optional.of("sip:" + ruri.getUser() + "@" + origin.get().host().toLowerCase());
        }
        return Optional.ofNullable(toAor);
    }

    /** The bindings the request is for: the device whose contact it names when we can tell, else all of the AOR. */
    private List<BindingRecord> candidates(SipServletRequest req, String aor) {
        List<BindingRecord> all = store.current(aor);
        SipURI ruri = (SipURI) req.getRequestURI();
        Map<String, String> params = SipUris.parameters(ruri);
        Optional<ContactMasquerader.Origin> origin = masquerader.unmasquerade(params);
        String device = params.get(ContactMasquerader.DEVICE);
        List<BindingRecord> exact = new ArrayList<>();
        for (BindingRecord b : all) {
            if (origin.isPresent() && !gateway.insertDomain()) {
                if (origin.get().hostPort().equalsIgnoreCase(SipUris.hostPort(b.contactUri()))) exact.add(b);
            } else if (origin.isPresent() && device != null) {
                if (b.id().startsWith(device)) exact.add(b);
            } else if (origin.isEmpty() && sameUri(b.contactUri(), ruri)) {
                exact.add(b);
            }
        }
        return exact.isEmpty() ? all : exact;
    }

    private static boolean sameUri(String stored, SipURI ruri) {
        return stored.equalsIgnoreCase(ruri.toString());
    }

    /** A device of {@code aor} registered again here: waiting calls and stored messages go to its new contacts. */
    public void onRegistered(String aor, List<BindingRecord> fresh) {
        onRegisteredElsewhere(aor, fresh);
        messages.onRegistered(aor, fresh);
    }

    /**
     * The same through another gateway on the database: the calls waiting here go to the new
     * contacts; the stored messages, which any node reads, are that node's to deliver.
     */
    public void onRegisteredElsewhere(String aor, List<BindingRecord> fresh) {
        Set<ForkContext> set = waiting.get(aor);
        if (set != null) for (ForkContext ctx : set) ctx.addBindings(fresh);
    }

    /**
     * A response on one of our branches (the container relays it; we only watch), or to a stored
     * message. Provisional responses of branches are not flagged as branch responses. The best
     * final response is shown again before the container relays it: a 2xx goes on, a failure
     * means every branch has failed while the call may still wait for the device.
     */
    @Override
    public void onResponse(SipServletResponse resp) {
        if ("REGISTER".equals(resp.getMethod()) || messages.onResponse(resp)) return;
        ForkContext ctx = contextOf(resp.getApplicationSession(false));
        if (ctx == null) return;
        if (resp.isBranchResponse() || resp.getStatus() < 200) ctx.onBranchResponse(resp);
        else if (resp.getStatus() >= 300) ctx.onEveryBranchFailed();
    }

    /** The caller cancelled (the container has already cancelled the branches and answers the CANCEL itself). */
    @Override
    public boolean onSubsequent(SipServletRequest req) {
        if (!"CANCEL".equals(req.getMethod())) return false;
        ForkContext ctx = contextOf(req.getApplicationSession(false));
        if (ctx != null) ctx.onCallerCancel(req.getHeader("Reason"));
        return false;
    }

    private static ForkContext contextOf(javax.servlet.sip.SipApplicationSession s) {
        if (s == null || !s.isValid()) return null;
        return s.getAttribute(ForkContext.class.getName()) instanceof ForkContext c ? c : null;
    }

    private void finished(ForkContext ctx) {
        Set<ForkContext> set = waiting.get(ctx.aor());
        if (set != null && set.remove(ctx)) {
            count.decrementAndGet();
            if (set.isEmpty()) waiting.remove(ctx.aor(), set);
        }
        log.debug("fork context for {} ended: {}", ctx.aor(), ctx.outcome());
    }

    public int waitingCalls() { return count.get(); }
}
