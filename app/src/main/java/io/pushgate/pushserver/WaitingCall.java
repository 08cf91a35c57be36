package io.pushgate.pushserver;

import io.pushgate.heldcall.HeldCalls;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushParams;
import io.pushgate.trace.CallTrace;
import io.pushgate.pipeline.FinishedTransactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call held for a sleeping callee: the caller's leg (early media playing), then the leg back
 * through the proxy once the callee registers. When the callee answers, the caller gets our 200
 * (the same SDP as the 183, as RFC 3261 section 13.2.1 requires) and then a re-INVITE offering the
 * callee's media, so the two end up talking directly.
 */
final class WaitingCall {
    private static final Logger log = LoggerFactory.getLogger(WaitingCall.class);
    static final String ATTRIBUTE = "pushgate.waiting-call";

    enum State { WAITING, HANDING_BACK, ANSWERING, CONNECTED, ENDED }

    private final PushCallServer server;
    private final SipServletRequest callerInvite;
    private final String callee;
    private final String answerSdp;
    private final long sdpSessionId;
    private RtpStreamer.Stream media;
    private ScheduledFuture<?> timeout;
    private State state = State.WAITING;
    private SipServletRequest leg;
    private boolean ringingSent;
    private String calleeSdp;
    /** Devices pushed for this call, and those whose push service said the token is dead. */
    private int devicesPushed;
    private final java.util.List<String> devicesGone = new java.util.ArrayList<>();
    /** Push tokens of the callee's devices that registered while the call waited. */
    private final java.util.Set<String> awake = new java.util.HashSet<>();
    private final CallTrace trace;
    private HeldCalls.Ticket held;
    /** Where the call is watched and handed back: the node that sent it. */
    private final Address proxyRoute;

    WaitingCall(PushCallServer server, SipServletRequest callerInvite, String callee, RtpStreamer.Stream media,
                String answerSdp, long sdpSessionId, Address proxyRoute, CallTrace trace) {
        this.server = server;
        this.proxyRoute = proxyRoute;
        this.callerInvite = callerInvite;
        this.callee = callee;
        this.media = media;
        this.answerSdp = answerSdp;
        this.sdpSessionId = sdpSessionId;
        this.trace = trace;
    }

    CallTrace trace() { return trace; }

    Address proxyRoute() { return (Address) proxyRoute.clone(); }

    String callee() { return callee; }
    String callId() { return callerInvite.getCallId(); }
    SipServletRequest callerInvite() { return callerInvite; }
    synchronized State state() { return state; }

    synchronized void timeoutIn(ScheduledFuture<?> timer) { this.timeout = timer; }

    /** The call's row in the database while it waits. */
    synchronized void held(HeldCalls.Ticket ticket) { this.held = ticket; }

    synchronized void releaseHeld() {
        if (held != null) held.release();
    }

    /**
     * The callee registered: the call goes back to the proxy as a new leg with the caller's offer.
     * {@code active} are the contacts the registration event lists as active.
     */
    synchronized void handBack(java.util.List<String> active) {
        for (String contact : active) {
            try {
                PushParams.parseUri(contact).ifPresent(p -> awake.add(p.prid()));
            } catch (PushParams.InvalidPushParams e) {
                // not a push device
            }
        }
        if (state != State.WAITING) return;
        trace.registered(callee + " (registration event)");
        try {
            Address from = server.factory().createAddress(callerInvite.getFrom().getURI(), callerInvite.getFrom().getDisplayName());
            Address to = server.factory().createAddress(callerInvite.getTo().getURI(), callerInvite.getTo().getDisplayName());
            SipServletRequest out = server.factory().createRequest(callerInvite.getApplicationSession(), "INVITE", from, to);
            out.setRequestURI(callerInvite.getRequestURI().clone());
            out.pushRoute(proxyRoute());
            out.setHeader(SleepingCalleeRouter.HAND_BACK_HEADER, callId());
            byte[] offer = callerInvite.getRawContent();
            if (offer != null) out.setContent(offer, callerInvite.getContentType());
            out.getSession().setAttribute(ATTRIBUTE, this);
            leg = out;
            state = State.HANDING_BACK;
            out.send();
            trace.note("hand-back", "INVITE to the proxy " + proxyRoute.getURI());
            log.info("call {} for {} handed back to the proxy", callId(), callee);
        } catch (IOException | RuntimeException e) {
            log.warn("call {}: hand-back to the proxy failed: {}", callId(), e.toString());
            state = State.WAITING;
            leg = null;
        }
    }

    /** A response on the leg toward the callee. */
    synchronized void onLegResponse(SipServletResponse resp) throws IOException {
        int status = resp.getStatus();
        if (status < 200) {
            if (status > 100 && state == State.HANDING_BACK && !ringingSent) {
                ringingSent = true;
                callerInvite.createResponse(180).send();
            }
            return;
        }
        if (status >= 300) {
            if (state != State.HANDING_BACK) return;
            trace.branchAnswer("the proxy", status, resp.getReasonPhrase());
            boolean declined = status == 486 || status == 600 || status == 603; // the user's decision
            trace.end(declined ? CallTrace.Outcome.DECLINED : CallTrace.Outcome.FAILED,
                    "the callee answered " + status + " " + resp.getReasonPhrase());
            log.info("call {}: callee answered {} {}; relayed to the caller", callId(), status, resp.getReasonPhrase());
            SipServletResponse r = callerInvite.createResponse(status, resp.getReasonPhrase());
            copyIfPresent(resp, r, "Reason");
            copyIfPresent(resp, r, "Retry-After");
            r.send();
            end(declined ? PushNotification.Kind.DECLINED_ELSEWHERE : PushNotification.Kind.MISSED_CALL);
            return;
        }
        resp.createAck().send();
        if (state != State.HANDING_BACK) {
            // The caller is gone (cancelled or timed out) while the callee answered.
            resp.getSession().createRequest("BYE").send();
            return;
        }
        byte[] body = resp.getRawContent();
        calleeSdp = body == null ? null : new String(body, StandardCharsets.UTF_8);
        stopMedia();
        SipServletResponse ok = callerInvite.createResponse(200);
        ok.setContent(answerSdp.getBytes(StandardCharsets.UTF_8), "application/sdp");
        ok.send();
        trace.branchAnswer("the proxy", status, resp.getReasonPhrase());
        trace.end(CallTrace.Outcome.ANSWERED, "answered after the hand-back");
        state = State.ANSWERING;
        server.connected(this);
    }

    /** The caller's ACK to our 200: now the caller can be offered the callee's media. */
    synchronized void onCallerAck() throws IOException {
        if (state != State.ANSWERING) return;
        state = State.CONNECTED;
        if (calleeSdp == null) return;
        SipServletRequest reinvite = callerInvite.getSession().createRequest("INVITE");
        reinvite.setContent(SdpAudio.reoffer(calleeSdp, server.mediaAddress(), sdpSessionId, 2).getBytes(StandardCharsets.UTF_8),
                "application/sdp");
        reinvite.send();
    }

    /** The caller's answer to our re-INVITE. */
    synchronized void onCallerResponse(SipServletResponse resp) throws IOException {
        if ("INVITE".equals(resp.getMethod()) && resp.getStatus() >= 200) {
            if (resp.getStatus() < 300) resp.createAck().send();
            else log.warn("call {}: caller refused the callee's media ({}); the call stays up with what it has", callId(), resp.getStatus());
        }
    }

    /** BYE from either side: answered, passed to the other side, and the call is over. */
    synchronized void onBye(SipServletRequest bye) throws IOException {
        bye.createResponse(200).send();
        FinishedTransactions.release(bye); // its retransmissions outlive the ended dialog (pipeline/Exchange)
        SipSession from = bye.getSession();
        SipSession other = from.equals(callerInvite.getSession()) ? (leg == null ? null : leg.getSession()) : callerInvite.getSession();
        if (other != null && other.isValid() && (state == State.CONNECTED || state == State.ANSWERING)) {
            try {
                other.createRequest("BYE").send();
            } catch (IllegalStateException e) {
                log.debug("call {}: other leg already ended: {}", callId(), e.toString());
            }
        }
        end(null);
    }

    /** The caller gave up (the container has already answered the CANCEL and the INVITE). */
    synchronized void onCancel() {
        if (state != State.WAITING && state != State.HANDING_BACK) return;
        try {
            callerInvite.createResponse(487).send();
        } catch (IOException | IllegalStateException alreadyAnswered) {
            // the container answers 487 itself when it matched the CANCEL
        }
        if (state == State.HANDING_BACK && leg != null) {
            try {
                leg.createCancel().send();
            } catch (IOException | IllegalStateException e) {
                log.debug("call {}: leg not cancelled: {}", callId(), e.toString());
            }
        }
        trace.end(CallTrace.Outcome.CANCELLED, "cancelled by the caller");
        log.info("call {} for {} cancelled by the caller", callId(), callee);
        end(PushNotification.Kind.MISSED_CALL);
    }

    synchronized void devicesPushed(int n) { this.devicesPushed = n; }

    /**
     * The push service said this device's token is dead. Once every pushed device is dead no phone
     * can wake, so the call ends now instead of at the timeout.
     */
    synchronized void deviceGone(String deviceUri) {
        devicesGone.add(deviceUri);
        if (state != State.WAITING || devicesGone.size() < devicesPushed) return;
        unavailable("Push token no longer valid");
        trace.end(CallTrace.Outcome.TOKEN_DEAD, "every pushed device's token is dead");
        log.info("call {} for {} ended: every push token is dead", callId(), callee);
        end(null);
    }

    /** Nobody registered in time: 480 with the reason (RFC 3326). */
    synchronized void onTimeout() {
        if (state != State.WAITING) return;
        unavailable("Callee did not register within " + server.waitTimeoutSeconds() + " s");
        trace.end(CallTrace.Outcome.TIMEOUT, "no registration within " + server.waitTimeoutSeconds() + " s");
        log.info("call {} for {} timed out waiting for a registration", callId(), callee);
        end(PushNotification.Kind.MISSED_CALL);
    }

    /**
     * Answers the caller 480 with the reason (RFC 3326). Devices whose push token is dead are named
     * in Push-Device-Gone: the proxy forgets them and strips the header before the caller sees it.
     */
    private void unavailable(String reason) {
        try {
            SipServletResponse r = callerInvite.createResponse(480, "Temporarily Unavailable");
            r.setHeader("Reason", "SIP;cause=480;text=\"" + reason + "\"");
            for (String d : devicesGone) r.addHeader(SleepingCalleeRouter.DEVICE_GONE_HEADER, "<" + d + ">");
            r.send();
        } catch (IOException | IllegalStateException e) {
            log.debug("call {}: 480 not sent: {}", callId(), e.toString());
        }
    }

    private void stopMedia() {
        if (media != null) media.close();
        media = null;
    }

    /** Push tokens of the devices that registered while the call waited. */
    synchronized java.util.Set<String> awakeTokens() { return java.util.Set.copyOf(awake); }

    private void end(PushNotification.Kind alert) {
        if (state == State.ENDED) return;
        boolean wasWaiting = state == State.WAITING || state == State.HANDING_BACK;
        state = State.ENDED;
        stopMedia();
        if (timeout != null) timeout.cancel(false);
        trace.end(CallTrace.Outcome.FAILED, "ended");
        server.ended(this, wasWaiting, alert);
        try {
            callerInvite.getApplicationSession().setInvalidateWhenReady(true);
        } catch (IllegalStateException alreadyGone) {
            // invalidated already
        }
    }

    private static void copyIfPresent(SipServletResponse from, SipServletResponse to, String header) {
        String v = from.getHeader(header);
        if (v != null) to.setHeader(header, v);
    }
}
