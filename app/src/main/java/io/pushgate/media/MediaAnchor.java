package io.pushgate.media;

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
 */
public final class MediaAnchor implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(MediaAnchor.class);
    private static final String CALL = MediaAnchor.class.getName();

    /** What a call needs for its answer and delete commands. */
    private record AnchoredCall(String callId, String fromTag, boolean callerWs, boolean calleeWs) {}

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
        if (!"INVITE".equals(req.getMethod()) || !hasSdp(req)) {
            chain.proceed(ex); // late SDP (offer in the 200) is not anchored yet
            return;
        }
        boolean callerWs = isWebSocket(req.getInitialTransport());
        String user = domain.localUser(req.getRequestURI());
        boolean calleeWs = user != null && bindings.current(domain.aor(user)).stream()
                .anyMatch(BindingRecord::viaWebSocket);
        AnchoredCall call = new AnchoredCall(req.getCallId(), req.getFrom().getParameter("tag"), callerWs, calleeWs);
        Map<String, Object> cmd = command("offer", call, settings.flags().offer(callerWs, calleeWs));
        cmd.put("sdp", sdp(req));
        Map<String, Object> result;
        try {
            result = ng.call(cmd);
            if (!"ok".equals(result.get("result"))) throw new IOException("rtpengine refused the offer: " + result.get("error-reason"));
        } catch (IOException e) {
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

    /** 18x/2xx with SDP: the answer goes through rtpengine. A failed call: its session is deleted. */
    public void onResponse(SipServletResponse resp) {
        AnchoredCall call = callOf(resp.getApplicationSession(false));
        if (call == null || !"INVITE".equals(resp.getMethod())) return;
        int status = resp.getStatus();
        if (status >= 300) {
            // Only the best response ends the call; one branch failing does not, while others ring.
            if (!resp.isBranchResponse()) delete(call);
            return;
        }
        // The container may show one response twice (as a branch response, then as the best one).
        if (status < 180 || !hasSdp(resp) || resp.getAttribute(CALL) != null) return;
        resp.setAttribute(CALL, Boolean.TRUE);
        Map<String, Object> cmd = command("answer", call, settings.flags().answer(call.callerWs(), call.calleeWs()));
        cmd.put("to-tag", resp.getTo().getParameter("tag"));
        try {
            cmd.put("sdp", sdp(resp));
            Map<String, Object> result = ng.call(cmd);
            if (!"ok".equals(result.get("result"))) throw new IOException("rtpengine refused the answer: " + result.get("error-reason"));
            resp.setContent(((String) result.get("sdp")).getBytes(StandardCharsets.UTF_8), "application/sdp");
        } catch (IOException e) {
            log.error("call {}: answer SDP relayed unchanged, media may not flow: {}", call.callId(), e.getMessage());
        }
    }

    /** BYE or CANCEL ends the media session. */
    public void onSubsequent(SipServletRequest req) {
        if (!"BYE".equals(req.getMethod()) && !"CANCEL".equals(req.getMethod())) return;
        AnchoredCall call = callOf(req.getApplicationSession(false));
        if (call != null) delete(call);
    }

    private void delete(AnchoredCall call) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("command", "delete");
        cmd.put("call-id", call.callId());
        cmd.put("from-tag", call.fromTag());
        cmd.put("delete-delay", 0);
        // Not waited for: a lost delete only leaves a session that rtpengine's own timeout ends.
        ng.request(cmd).whenComplete((r, e) -> {
            if (e != null) log.warn("call {}: media session not deleted: {}", call.callId(), e.getMessage());
        });
    }

    private static Map<String, Object> command(String name, AnchoredCall call, String flags) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("command", name);
        cmd.put("call-id", call.callId());
        cmd.put("from-tag", call.fromTag());
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
