package io.pushgate.media;

import io.prometheus.metrics.core.metrics.Counter;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.ServletException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step and call watcher: an INVITE with SDP is anchored in rtpengine (offer), the SDP of
 * 18x/2xx answers goes through it too (answer), and the session is deleted on BYE, on CANCEL and
 * on a failed call, so none is left behind. Flags depend on whether caller and callee use WebSocket.
 * Late SDP (an INVITE without a body) is anchored the other way round: the callee's 200 carries
 * the offer and the caller's ACK the answer.
 */
public final class MediaAnchor implements RequestStep {
    static final Counter FAILURES = Counter.builder().withoutExemplars().name("pushgate_media_relay_failures")
            .help("rtpengine commands that failed or were refused, by command (offer, answer, delete).").labelNames("command").register();

    private static final Logger log = LoggerFactory.getLogger(MediaAnchor.class);
    private static final String CALL = MediaAnchor.class.getName();

    /**
     * What a call needs for its answer and delete commands. {@code lateOffer}: the INVITE had no
     * SDP; {@code calleeTag} is set once the callee's offer (in its 200) went through rtpengine.
     */
    private record AnchoredCall(String callId, String fromTag, boolean callerWs, boolean calleeWs, boolean lateOffer, String calleeTag) {
        AnchoredCall offeredBy(String tag) { return new AnchoredCall(callId, fromTag, callerWs, calleeWs, true, tag); }
        boolean anchored() { return !lateOffer || calleeTag != null; }
    }

    private final MediaSettings settings;
    private final NgClient ng;
    private final LocalDomain domain;
    private final BindingStore bindings;

    public MediaAnchor(MediaSettings settings, NgClient ng, LocalDomain domain, BindingStore bindings) {
        this.settings = settings;
        this.ng = ng;
        this.domain = domain;
        this.bindings = bindings;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!"INVITE".equals(req.getMethod())) {
            chain.proceed(ex);
            return;
        }
        boolean callerWs = isWebSocket(req.getInitialTransport());
        String user = domain.localUser(req.getRequestURI());
        boolean calleeWs = user != null && bindings.current(domain.aor(user)).stream()
                .anyMatch(BindingRecord::viaWebSocket);
        if (!hasSdp(req)) {
            // late SDP: the offer comes in the 200, anchored in onResponse, the answer in the ACK
            req.getApplicationSession().setAttribute(CALL,
                    new AnchoredCall(req.getCallId(), req.getFrom().getParameter("tag"), callerWs, calleeWs, true, null));
            ex.watchResponses();
            chain.proceed(ex);
            return;
        }
        AnchoredCall call = new AnchoredCall(req.getCallId(), req.getFrom().getParameter("tag"), callerWs, calleeWs, false, null);
        Map<String, Object> cmd = command("offer", call.callId(), call.fromTag(), settings.flags().offer(callerWs, calleeWs));
        cmd.put("sdp", sdp(req));
        Map<String, Object> result;
        try {
            result = ng.call(cmd);
            if (!"ok".equals(result.get("result"))) throw new IOException("rtpengine refused the offer: " + result.get("error-reason"));
        } catch (IOException e) {
            FAILURES.labelValues("offer").inc();
            if (settings.proceedWithoutRelay()) {
                log.warn("call {} goes on without media relay: {}", call.callId(), e.getMessage());
                chain.proceed(ex);
            } else {
                log.error("call {} refused, no media relay: {}", call.callId(), e.getMessage());
                SipServletResponse r = ex.response(503, "Media Relay Unavailable");
                r.setHeader("Retry-After", "30");
                ex.send(r);
            }
            return;
        }
        // The container lets the body of a received request change only once it is being proxied.
        req.getProxy();
        req.setContent(((String) result.get("sdp")).getBytes(StandardCharsets.UTF_8), "application/sdp");
        req.getApplicationSession().setAttribute(CALL, call);
        ex.watchResponses();
        chain.proceed(ex);
        if (!ex.isProxied()) delete(call); // answered here (404, 480, ...): nothing to relay
    }

    /** 18x/2xx with SDP: the answer goes through rtpengine (or, for late SDP, the callee's offer in the 2xx). A failed call: its session is deleted. */
    @Override
    public void onResponse(SipServletResponse resp) {
        SipApplicationSession session = resp.getApplicationSession(false);
        AnchoredCall call = callOf(session);
        if (call == null || !"INVITE".equals(resp.getMethod())) return;
        int status = resp.getStatus();
        if (status >= 300) {
            // Only the best response ends the call; one branch failing does not, while others ring.
            if (!resp.isBranchResponse() && call.anchored()) delete(call);
            return;
        }
        // The container may show one response twice (as a branch response, then as the best one).
        if (status < 180 || !hasSdp(resp) || resp.getAttribute(CALL) != null) return;
        resp.setAttribute(CALL, Boolean.TRUE);
        String toTag = resp.getTo().getParameter("tag");
        if (call.lateOffer()) {
            // the offer of a late-SDP call is the 2xx's; a retransmitted 2xx is offered again, and
            // rtpengine answers a repeated offer with the same ports
            if (status < 200 || (call.calleeTag() != null && !call.calleeTag().equals(toTag))) return;
            // the callee offers: from-tag is its tag, and the flags are those of a call from callee to caller
            Map<String, Object> cmd = command("offer", call.callId(), toTag, settings.flags().offer(call.calleeWs(), call.callerWs()));
            cmd.put("to-tag", call.fromTag());
            if (relay(cmd, resp, "offer")) session.setAttribute(CALL, call.offeredBy(toTag));
            return;
        }
        Map<String, Object> cmd = command("answer", call.callId(), call.fromTag(), settings.flags().answer(call.callerWs(), call.calleeWs()));
        cmd.put("to-tag", toTag);
        relay(cmd, resp, "answer");
    }

    /**
     * Sends an offer or answer command with the message's SDP and puts rtpengine's SDP in its
     * place; on failure the SDP goes on unchanged (the call is set up already) with an ERROR line.
     */
    private boolean relay(Map<String, Object> cmd, SipServletMessage m, String what) {
        try {
            cmd.put("sdp", sdp(m));
            Map<String, Object> result = ng.call(cmd);
            if (!"ok".equals(result.get("result"))) throw new IOException("rtpengine refused the " + what + ": " + result.get("error-reason"));
            m.setContent(((String) result.get("sdp")).getBytes(StandardCharsets.UTF_8), "application/sdp");
            return true;
        } catch (IOException e) {
            FAILURES.labelValues(what.contains("answer") ? "answer" : "offer").inc();
            log.error("call {}: {} SDP relayed unchanged, media may not flow: {}", m.getCallId(), what, e.getMessage());
            return false;
        }
    }

    /**
     * The ACK of a late-SDP call carries the caller's answer; BYE or CANCEL ends the media session.
     * The container routes each of them on, so none is taken here.
     */
    @Override
    public boolean onSubsequent(SipServletRequest req) {
        AnchoredCall call = callOf(req.getApplicationSession(false));
        if (call == null) return false;
        if ("ACK".equals(req.getMethod())) {
            if (call.lateOffer() && call.calleeTag() != null && hasSdp(req)) {
                Map<String, Object> cmd = command("answer", call.callId(), call.calleeTag(), settings.flags().answer(call.calleeWs(), call.callerWs()));
                cmd.put("to-tag", call.fromTag());
                relay(cmd, req, "answer");
            }
            return false;
        }
        if (("BYE".equals(req.getMethod()) || "CANCEL".equals(req.getMethod())) && call.anchored()) delete(call);
        return false;
    }

    private void delete(AnchoredCall call) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("command", "delete");
        cmd.put("call-id", call.callId());
        cmd.put("from-tag", call.fromTag());
        cmd.put("delete-delay", 0);
        // Not waited for: a lost delete only leaves a session that rtpengine's own timeout ends.
        ng.request(cmd).whenComplete((r, e) -> {
            if (e != null) {
                FAILURES.labelValues("delete").inc();
                log.warn("call {}: media session not deleted: {}", call.callId(), e.getMessage());
            }
        });
    }

    private static Map<String, Object> command(String name, String callId, String fromTag, String flags) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("command", name);
        cmd.put("call-id", callId);
        cmd.put("from-tag", fromTag);
        cmd.putAll(NgFlags.parse(flags));
        return cmd;
    }

    private static AnchoredCall callOf(SipApplicationSession s) {
        return s != null && s.isValid() && s.getAttribute(CALL) instanceof AnchoredCall c ? c : null;
    }

    private static boolean isWebSocket(String transport) {
        return transport != null && transport.toLowerCase().startsWith("ws");
    }

    private static boolean hasSdp(SipServletMessage m) {
        return m.getContentLength() > 0 && m.getContentType() != null && m.getContentType().toLowerCase().startsWith("application/sdp");
    }

    private static String sdp(SipServletMessage m) throws IOException {
        return new String(m.getRawContent(), StandardCharsets.UTF_8);
    }
}
