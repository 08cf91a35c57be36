package io.pushgate.pushserver;

import io.pushgate.heldcall.HeldCalls;
import io.pushgate.trace.CallTrace;
import io.pushgate.trace.CallTraces;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushParams;
import io.pushgate.sip.SipUris;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push application server's only pipeline step: a call for a sleeping user is answered with
 * 183 and early media, the user's devices are pushed, its registration state is watched, and the
 * call is handed back to the proxy when it registers (or ends with 480 when it does not).
 */
public final class PushCallServer implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(PushCallServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PushServerSettings settings;
    private final SipFactory factory;
    private final PushDispatcher push;
    private final RtpStreamer streamer;
    private final ScheduledExecutorService timers;
    private final LongSupplier clock;
    /** The registrar/proxy nodes calls are taken from: accept-from, or the proxy's host. */
    private final List<String> nodes;
    private final Address proxyRoute;
    private final Address watcher;
    private final Map<String, RegWatch> watches = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final CallTraces traces;
    private final HeldCalls heldCalls;

    public PushCallServer(PushServerSettings settings, SipFactory factory, PushDispatcher push, RtpStreamer streamer,
                          ScheduledExecutorService timers, CallTraces traces, HeldCalls heldCalls, LongSupplier clock)
            throws ServletParseException {
        this.settings = settings;
        this.factory = factory;
        this.push = push;
        this.streamer = streamer;
        this.timers = timers;
        this.clock = clock;
        this.traces = traces;
        this.heldCalls = heldCalls;
        this.proxyRoute = factory.createAddress("<" + settings.proxyUri() + ";lr>");
        String proxyHost = ((javax.servlet.sip.SipURI) proxyRoute.getURI()).getHost();
        this.nodes = settings.acceptFrom().isEmpty() ? List.of(proxyHost) : settings.acceptFrom();
        this.watcher = factory.createAddress("<sip:push-server@" + hostForUri(streamer.address()) + ">");
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!"INVITE".equals(ex.method())) {
            if ("OPTIONS".equals(ex.method())) ex.reply(200, null);
            else if (!"ACK".equals(ex.method())) {
                SipServletResponse r = ex.response(405, "Method Not Allowed");
                r.setHeader("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY");
                ex.send(r);
            } else ex.dropped();
            return;
        }
        if (!nodes.contains(req.getInitialRemoteAddr()) && !settings.dispatchers().contains(req.getInitialRemoteAddr())) {
            log.warn("call {} from {} refused: not a configured proxy", req.getCallId(), req.getInitialRemoteAddr());
            ex.reply(403, "Calls Are Taken From The Proxy Only");
            return;
        }
        byte[] body = req.getRawContent();
        SdpAudio.Offer offer = body == null || body.length == 0 ? null : SdpAudio.parseOffer(new String(body, StandardCharsets.UTF_8));
        if (offer == null) {
            SipServletResponse r = ex.response(488, "Not Acceptable Here");
            r.setHeader("Warning", "305 pushgate \"an audio offer with PCMU or PCMA is needed for early media\"");
            ex.send(r);
            return;
        }
        if (waiting.incrementAndGet() > settings.maxCalls()) {
            waiting.decrementAndGet();
            ex.reply(503, "Too Many Waiting Calls");
            return;
        }
        RtpStreamer.Stream media = streamer.open(offer);
        if (media == null) {
            waiting.decrementAndGet();
            log.warn("call {} refused: no free early-media port in {}-{}", req.getCallId(), settings.rtpPortMin(), settings.rtpPortMax());
            ex.reply(503, "No Media Port Free");
            return;
        }
        String callee = SipUris.aor(req.getRequestURI());
        long sdpSession = Math.abs(RANDOM.nextLong() % 1_000_000_000L);
        String answer = SdpAudio.answer(streamer.address(), media.localPort(), offer, sdpSession, 1);
        WaitingCall call = new WaitingCall(this, req, callee, media, answer, sdpSession, senderRoute(req),
                traces.begin(req.getCallId(), callee, req.getFrom().getURI().toString()));
        req.getSession().setAttribute(WaitingCall.ATTRIBUTE, call);
        req.getApplicationSession().setExpires(settings.waitTimeoutSeconds() / 60 + 2);
        ex.keepSessions();
        SipServletResponse progress = ex.response(183, "Session Progress");
        progress.setContent(answer.getBytes(StandardCharsets.UTF_8), "application/sdp");
        ex.send(progress);
        call.held(heldCalls.hold(req, callee, progress.getTo().getParameter("tag"),
                "The push server holding the call restarted while the callee was waking", settings.waitTimeoutSeconds()));
        media.start();
        call.timeoutIn(timers.schedule(call::onTimeout, settings.waitTimeoutSeconds(), TimeUnit.SECONDS));
        log.info("call {} for {} waits with early media ({} to {}:{})", req.getCallId(), callee, offer.law(), offer.address(), offer.port());
        watch(call, call.proxyRoute());
        pushDevices(req, callee, PushNotification.Kind.CALL, call, call.trace(), java.util.Set.of());
    }

    /**
     * The registrar/proxy node that sent this call, as a loose route (its Via's sent-by): it was
     * alive a moment ago, and nodes sharing a database each see every registration, so the call is
     * watched there and handed back there. The configured proxy when no Via names it.
     */
    private Address senderRoute(SipServletRequest req) {
        List<String> vias = new ArrayList<>();
        req.getHeaders("Via").forEachRemaining(vias::add);
        String uri = senderRoute(vias, req.getInitialRemoteAddr(), nodes, settings.dispatchers());
        try {
            return uri == null ? proxyRoute() : factory.createAddress("<" + uri + ">");
        } catch (ServletParseException e) {
            return proxyRoute();
        }
    }

    /**
     * The route to the node named by the call's Vias (top first): the top one when the call came
     * straight from it (its host the address the call came from), the one below when a dispatcher
     * relayed it (its host one of the nodes); null when neither holds.
     */
    static String senderRoute(List<String> vias, String from, List<String> nodes, List<String> dispatchers) {
        if (vias.isEmpty()) return null;
        if (!dispatchers.contains(from)) return viaRoute(vias.get(0), from);
        if (vias.size() < 2) return null;
        for (String node : nodes) {
            String route = viaRoute(vias.get(1), node);
            if (route != null) return route;
        }
        return null;
    }

    /** "SIP/2.0/TCP 10.0.0.1:5070;branch=..." sent from 10.0.0.1 -> "sip:10.0.0.1:5070;transport=tcp;lr"; null unless the host is {@code from}. */
    static String viaRoute(String via, String from) {
        if (via == null || from == null) return null;
        String[] parts = via.trim().split("\\s+", 2);
        if (parts.length < 2 || !parts[0].toUpperCase(java.util.Locale.ROOT).startsWith("SIP/2.0/")) return null;
        String transport = parts[0].substring("SIP/2.0/".length()).toLowerCase(java.util.Locale.ROOT);
        String sentBy = parts[1].split(";", 2)[0].trim();
        int close = sentBy.indexOf(']');
        int colon = sentBy.lastIndexOf(':');
        boolean hasPort = sentBy.startsWith("[") ? close > 0 && colon == close + 1 : colon > 0 && sentBy.indexOf(':') == colon;
        String host = hasPort ? sentBy.substring(0, colon) : sentBy;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.equalsIgnoreCase(from)) return null;
        return "sip:" + hostForUri(bare) + (hasPort ? sentBy.substring(colon) : "")
                + (transport.equals("udp") ? "" : ";transport=" + transport) + ";lr";
    }

    private void watch(WaitingCall call, Address at) {
        for (int attempt = 0; attempt < 2; attempt++) {
            RegWatch w = watches.computeIfAbsent(call.callee(), aor -> {
                try {
                    return RegWatch.start(aor, watcher, at, settings.subscriptionExpires(), factory, clock);
                } catch (IOException | ServletParseException e) {
                    log.warn("cannot subscribe to the registration of {}: {}", aor, e.toString());
                    return null;
                }
            });
            if (w == null) return;
            if (w.add(call, settings.waitTimeoutSeconds(), settings.subscriptionExpires())) return;
            watches.remove(call.callee(), w);
        }
    }

    /**
     * Pushes every device named by the proxy but those whose token is in {@code skip}; {@code call}
     * (when waiting) hears of dead tokens.
     */
    private void pushDevices(SipServletRequest req, String callee, PushNotification.Kind kind, WaitingCall call, CallTrace trace,
                             java.util.Set<String> skip) {
        List<String> devices = new ArrayList<>();
        for (ListIterator<String> it = req.getHeaders(SleepingCalleeRouter.DEVICE_HEADER); it.hasNext(); ) devices.add(it.next());
        if (devices.isEmpty()) log.info("call {} for {}: no push device known, waiting without a push", req.getCallId(), callee);
        String caller = req.getFrom().getURI().toString();
        List<Runnable> sends = new ArrayList<>();
        for (String d : devices) {
            String uri = d.trim();
            if (uri.startsWith("<")) uri = uri.substring(1, uri.indexOf('>'));
            String device = uri;
            try {
                PushParams.parseUri(uri).filter(p -> !skip.contains(p.prid())).ifPresent(p -> sends.add(() -> {
                    trace.pushSent(kind, p.provider(), Integer.toHexString(device.hashCode()));
                    push.send(new PushNotification(kind, p, caller, callee, req.getCallId(), Duration.ofSeconds(settings.waitTimeoutSeconds())))
                            .thenAccept(o -> {
                                trace.pushAnswered(o);
                                if (o.tokenGone() && call != null) call.deviceGone(device);
                            });
                }));
            } catch (PushParams.InvalidPushParams e) {
                log.warn("call {} for {}: device {} has unusable push parameters: {}", req.getCallId(), callee, PushParams.redacted(uri), e.getMessage());
            }
        }
        if (call != null) call.devicesPushed(sends.size());
        sends.forEach(Runnable::run);
    }

    /**
     * Requests inside our dialogs: NOTIFY of a watch, ACK/BYE/CANCEL of a call. The application
     * server is a B2BUA and proxies nothing, so every subsequent request is its own.
     */
    @Override
    public boolean onSubsequent(SipServletRequest req) throws IOException {
        SipSession s = req.getSession(false);
        if (s == null || !s.isValid()) return true;
        if (s.getAttribute(RegWatch.ATTRIBUTE) instanceof RegWatch w) {
            if ("NOTIFY".equals(req.getMethod())) w.onNotify(req);
            else if (!"ACK".equals(req.getMethod())) req.createResponse(405).send();
            return true;
        }
        if (!(s.getAttribute(WaitingCall.ATTRIBUTE) instanceof WaitingCall call)) return true;
        switch (req.getMethod()) {
            case "ACK" -> call.onCallerAck();
            case "BYE" -> call.onBye(req);
            case "CANCEL" -> call.onCancel();
            case "INVITE", "UPDATE" -> req.createResponse(488, "Not Acceptable Here").send();
            default -> { if (!"ACK".equals(req.getMethod())) req.createResponse(200).send(); }
        }
        return true;
    }

    /** Responses to what we sent: SUBSCRIBE, the hand-back INVITE, our re-INVITE, BYEs. */
    @Override
    public void onResponse(SipServletResponse resp) throws IOException {
        SipSession s = resp.getSession(false);
        if (s == null) return;
        if (s.getAttribute(RegWatch.ATTRIBUTE) instanceof RegWatch w) {
            if ("SUBSCRIBE".equals(resp.getMethod())) {
                w.onResponse(resp);
                if (w.ended()) watches.remove(w.aor(), w);
            }
            return;
        }
        if (!(s.getAttribute(WaitingCall.ATTRIBUTE) instanceof WaitingCall call)) return;
        if (!"INVITE".equals(resp.getMethod())) return;
        if (s.equals(call.callerInvite().getSession())) call.onCallerResponse(resp);
        else call.onLegResponse(resp);
    }

    /** The call was answered after the hand-back. */
    void connected(WaitingCall call) {
        release(call);
        call.callerInvite().getApplicationSession().setExpires(settings.maxCallSeconds() / 60 + 1);
        alert(call, PushNotification.Kind.ANSWERED_ELSEWHERE);
    }

    /** The call ended; {@code alert} (null: none) tells the pushed devices how. */
    void ended(WaitingCall call, boolean wasWaiting, PushNotification.Kind alert) {
        if (wasWaiting) release(call);
        if (alert != null) alert(call, alert);
    }

    /**
     * Tells the pushed devices that never registered how the call ended: iOS shows a call for each
     * VoIP push (CallKit) and must be told to take it down. Devices that registered got the call
     * from the proxy, and its CANCEL or their own answer.
     */
    private void alert(WaitingCall call, PushNotification.Kind kind) {
        pushDevices(call.callerInvite(), call.callee(), kind, null, call.trace(), call.awakeTokens());
    }

    private void release(WaitingCall call) {
        waiting.decrementAndGet();
        call.releaseHeld();
        RegWatch w = watches.get(call.callee());
        if (w != null && (w.remove(call) || w.ended())) watches.remove(call.callee(), w);
    }

    SipFactory factory() { return factory; }
    private Address proxyRoute() { return (Address) proxyRoute.clone(); }
    String mediaAddress() { return streamer.address(); }
    int waitTimeoutSeconds() { return settings.waitTimeoutSeconds(); }

    private static String hostForUri(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
