package io.pushgate.gateway;

import io.pushgate.heldcall.HeldCalls;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushParams;
import io.pushgate.trace.CallTrace;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyAnswer;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.sip.SipUris;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import org.mobicents.servlet.sip.core.proxy.MobicentsProxyBranch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call waiting for a device: the proxy with its branches, the push timers and
 * the call-fork-timeout. A 2xx is relayed by the container at once; every other final answer
 * (timeout, decline, cancel) is sent from here.
 * <p>
 * When every branch has failed the container shows us the best failure before it relays it; we
 * then add one branch that is never started ({@link #holdOpen}), and while it is there the
 * container waits, so the call stays open for a device that re-registers later. It is added
 * only then, and before we answer the caller ourselves, not at the start: a branch is a whole
 * copy of the request, and a waiting call whose device branch is still trying does not need it
 * (docs/tuning.md: what waiting calls keep is what the collector copies).
 */
final class ForkContext {
    private static final Logger log = LoggerFactory.getLogger(ForkContext.class);
    /** Answers that are the user's decision, relayed at once instead of waiting for other devices. */
    private static final java.util.Set<Integer> DECISIONS = java.util.Set.of(486, 600, 603);

    private final String aor;
    private final SipServletRequest request;
    private final ForkSettings settings;
    private final BindingTarget targets;
    private final PushDispatcher push;
    private final ScheduledExecutorService timers;
    private final Consumer<ForkContext> onEnd;
    private final long startedAt = System.currentTimeMillis();
    private final Map<ProxyBranch, BindingRecord> branches = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> pushTimers = new HashMap<>();
    private final Map<String, PushParams> pushed = new LinkedHashMap<>();
    private Proxy proxy;
    private ProxyBranch hold;
    private ProxyAnswer answer;
    private ScheduledFuture<?> timeout;
    private boolean ended;
    private String outcome = "waiting";
    private final CallTrace trace;
    private HeldCalls.Ticket held;

    ForkContext(String aor, SipServletRequest request, ForkSettings settings, BindingTarget targets, PushDispatcher push,
                ScheduledExecutorService timers, Consumer<ForkContext> onEnd, CallTrace trace) {
        this.aor = aor;
        this.request = request;
        this.settings = settings;
        this.targets = targets;
        this.push = push;
        this.timers = timers;
        this.onEnd = onEnd;
        this.trace = trace;
    }

    String aor() { return aor; }

    /** The call's row in the database, released when it ends. */
    synchronized void held(HeldCalls.Ticket ticket) { this.held = ticket; }
    synchronized String outcome() { return outcome; }

    synchronized void start(List<BindingRecord> bindings) throws java.io.IOException, javax.servlet.ServletException {
        proxy = request.getProxy();
        answer = new ProxyAnswer(request);
        // The container ends an application session after 3 minutes unless told otherwise; a waiting
        // call lasts up to call-fork-timeout, which may be 10.
        request.getApplicationSession().setExpires(settings.callForkTimeoutSeconds() / 60 + 2);
        proxy.setRecordRoute(true);
        proxy.setParallel(true);
        proxy.setSupervised(true);
        proxy.setProxyTimeout(settings.callForkTimeoutSeconds() + 5);
        request.createResponse(100).send();
        for (BindingRecord b : bindings) startBranch(b, false);
        timeout = timers.schedule(this::onTimeout, settings.callForkTimeoutSeconds(), TimeUnit.SECONDS);
    }

    /** The device re-registered: its new contacts get the request (no push, it is awake). */
    synchronized void addBindings(List<BindingRecord> fresh) {
        if (ended) return;
        for (BindingRecord b : fresh) {
            trace.registered(PushParams.redacted(b.contactUri()));
            try {
                startBranch(b, true);
            } catch (RuntimeException | javax.servlet.sip.ServletParseException e) {
                log.warn("call {}: cannot fork to re-registered {}: {}", request.getCallId(), PushParams.redacted(b.contactUri()), e.toString());
            }
        }
    }

    private void startBranch(BindingRecord b, boolean late) throws javax.servlet.sip.ServletParseException {
        ProxyForwarder.Target t = targets.of(b);
        for (Map.Entry<ProxyBranch, BindingRecord> e : branches.entrySet()) {
            // A branch still trying the same address will reach the device with its retransmissions.
            if (e.getKey().getRequest().getRequestURI().toString().equals(t.uri().toString()) && stillTrying(e.getKey())) return;
        }
        ProxyBranch branch = proxy.createProxyBranches(List.of(t.uri())).get(0);
        t.routeOnto(branch.getRequest());
        branches.put(branch, b);
        ((MobicentsProxyBranch) branch).start();
        log.info("call {} for {}: {} branch to {}", request.getCallId(), aor, late ? "fork-late" : "first", PushParams.redacted(t.uri().toString()));
        trace.branch(PushParams.redacted(t.uri().toString()), late);
        if (!late) schedulePush(b);
    }

    private static boolean stillTrying(ProxyBranch branch) {
        SipServletResponse r = branch.getResponse();
        boolean cancelled = branch instanceof MobicentsProxyBranch m && m.isCanceled();
        return !cancelled && (r == null || r.getStatus() < 200);
    }

    private void schedulePush(BindingRecord b) {
        PushParams params;
        try {
            params = PushParams.parseUri(b.contactUri()).orElse(null);
        } catch (PushParams.InvalidPushParams e) {
            log.warn("binding {} has unusable push parameters: {}", PushParams.redacted(b.contactUri()), e.getMessage());
            return;
        }
        if (params == null) return;
        long delay = settings.pushDelayMs();
        String perContact = SipUris.parameters(b.contactUri()).get("pn-delay");
        if (perContact != null && perContact.matches("\\d{1,6}")) delay = Long.parseLong(perContact);
        pushTimers.put(b.id(), timers.schedule(() -> pushIfSilent(b, params), delay, TimeUnit.MILLISECONDS));
    }

    private synchronized void pushIfSilent(BindingRecord b, PushParams params) {
        if (ended) return;
        pushed.put(b.id(), params);
        long left = settings.callForkTimeoutSeconds() * 1000L - (System.currentTimeMillis() - startedAt);
        trace.pushSent(PushNotification.Kind.CALL, params.provider(), b.id());
        push.send(new PushNotification(PushNotification.Kind.CALL, params, request.getFrom().getURI().toString(), aor, request.getCallId(),
                Duration.ofMillis(Math.max(left, 1000)))).thenAccept(trace::pushAnswered);
    }

    /**
     * Tells every pushed device but the one that ended the call how it ended: iOS shows a call for
     * each VoIP push (CallKit) and must be told to take it down, even if it never registered.
     */
    private void alertPushed(PushNotification.Kind kind, BindingRecord endedBy) {
        String endedByToken = null;
        try {
            if (endedBy != null) endedByToken = PushParams.parseUri(endedBy.contactUri()).map(PushParams::prid).orElse(null);
        } catch (PushParams.InvalidPushParams e) {
            // not a push device
        }
        for (Map.Entry<String, PushParams> device : pushed.entrySet()) {
            PushParams p = device.getValue();
            if (endedBy != null && (device.getKey().equals(endedBy.id()) || p.prid().equals(endedByToken))) continue;
            trace.pushSent(kind, p.provider(), device.getKey());
            push.send(new PushNotification(kind, p, request.getFrom().getURI().toString(), aor, request.getCallId(),
                    Duration.ofHours(1))).thenAccept(trace::pushAnswered);
        }
    }

    /**
     * The container calls this before it handles the response in the proxy. Being synchronized
     * matters: a device that answers a fork-late branch within a millisecond can be heard before
     * {@link #addBindings} has returned from starting the branch, and the container, not yet
     * knowing the branch's transaction, would take the call as over and drop the 200.
     */
    synchronized void onBranchResponse(SipServletResponse resp) {
        if (ended) return;
        BindingRecord b = branches.get(resp.getProxyBranch());
        int status = resp.getStatus();
        if (status >= 180) trace.branchAnswer(b == null ? "?" : PushParams.redacted(b.contactUri()), status, resp.getReasonPhrase());
        if (b != null && status >= 180) cancelPush(b.id());
        if (status >= 200 && status < 300) {
            alertPushed(PushNotification.Kind.ANSWERED_ELSEWHERE, b);
            end(CallTrace.Outcome.ANSWERED, "answered by " + (b == null ? "?" : PushParams.redacted(b.contactUri())));
        } else if (DECISIONS.contains(status)) {
            alertPushed(PushNotification.Kind.DECLINED_ELSEWHERE, b);
            cancelBranchesExcept(resp.getProxyBranch());
            holdOpen();
            answer.send(status, resp.getReasonPhrase(), resp.getHeader("Reason"));
            end(CallTrace.Outcome.DECLINED, "declined " + status);
        }
    }

    private synchronized void onTimeout() {
        if (ended) return;
        cancelBranchesExcept(null);
        alertPushed(PushNotification.Kind.MISSED_CALL, null);
        holdOpen();
        answer.send(480, "Temporarily Unavailable",
                "SIP;cause=480;text=\"No answer from the device within " + settings.callForkTimeoutSeconds() + " s\"");
        end(CallTrace.Outcome.TIMEOUT, "no answer within " + settings.callForkTimeoutSeconds() + " s");
    }

    /**
     * The container has cancelled the branches; the caller still needs its 487 if a device never
     * answered. A forking proxy says why it cancels (RFC 3326): another device of the user took
     * or declined the call.
     */
    synchronized void onCallerCancel(String reason) {
        if (ended) return;
        alertPushed(cancelledBecause(reason), null);
        holdOpen();
        answer.send(487, "Request Terminated", null);
        end(CallTrace.Outcome.CANCELLED, "cancelled by the caller");
    }

    static PushNotification.Kind cancelledBecause(String reason) {
        java.util.regex.Matcher m = reason == null ? null
                : java.util.regex.Pattern.compile("(?i)^\\s*SIP\\s*;.*\\bcause\\s*=\\s*(\\d{3})").matcher(reason);
        if (m == null || !m.find()) return PushNotification.Kind.MISSED_CALL;
        int cause = Integer.parseInt(m.group(1));
        if (cause >= 200 && cause < 300) return PushNotification.Kind.ANSWERED_ELSEWHERE;
        return cause == 600 || cause == 603 ? PushNotification.Kind.DECLINED_ELSEWHERE : PushNotification.Kind.MISSED_CALL;
    }

    /**
     * The container shows the best failure once every branch has one, before it relays it: the
     * device may still re-register, so the call stays open (the container waits while a branch
     * it has not started is there).
     */
    synchronized void onEveryBranchFailed() {
        if (!ended) holdOpen();
    }

    /**
     * Adds the never-started branch that keeps the container from relaying a failure itself:
     * while the device may still come back, and once we have answered the caller, so that no
     * second final response follows ours.
     */
    private void holdOpen() {
        // The container cancels every branch, this one too, when the caller cancels.
        if (hold != null && !((MobicentsProxyBranch) hold).isCanceled()) return;
        SipURI uri = (SipURI) request.getRequestURI().clone();
        uri.setHost("fork-late.invalid");
        uri.setPort(-1);
        hold = proxy.createProxyBranches(List.of(uri)).get(0);
    }

    /** Ends a context whose start failed, so nothing of it stays behind. */
    synchronized void abandon(String why) {
        if (ended) return;
        cancelBranchesExcept(null);
        end(CallTrace.Outcome.FAILED, why);
    }

    private void cancelBranchesExcept(ProxyBranch keep) {
        for (ProxyBranch b : branches.keySet()) {
            if (b == keep || !stillTrying(b)) continue;
            try {
                b.cancel();
            } catch (IllegalStateException e) {
                log.debug("branch {} could not be cancelled: {}", b.getRequest().getRequestURI(), e.getMessage());
            }
        }
    }

    private void cancelPush(String bindingId) {
        ScheduledFuture<?> f = pushTimers.remove(bindingId);
        if (f != null) f.cancel(false);
    }

    private void end(CallTrace.Outcome how, String why) {
        ended = true;
        outcome = why;
        trace.end(how, why);
        if (timeout != null) timeout.cancel(false);
        for (ScheduledFuture<?> f : pushTimers.values()) f.cancel(false);
        pushTimers.clear();
        if (held != null) held.release();
        try {
            request.getApplicationSession().removeAttribute(ForkContext.class.getName());
        } catch (IllegalStateException invalidated) {
            // the session already ended
        }
        onEnd.accept(this);
    }
}
