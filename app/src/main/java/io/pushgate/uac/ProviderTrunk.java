package io.pushgate.uac;

import io.pushgate.auth.DigestChallenge;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.SipUris;
import io.pushgate.sip.StackHeaders;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step (Kamailio's uac_reg_request_to and uac_auth, done as a B2BUA): a call from an
 * authenticated local user that a [uac] route takes goes out to the provider with the identity of
 * one of its registrations. A proxy cannot do this right: the provider's 401/407 must be answered
 * on the same leg with a higher CSeq (RFC 3261 section 22) while the caller's leg keeps its own,
 * and From and To may differ on the two legs. So the call becomes two dialogs, each with its own
 * From, To, tags and CSeq; every response, ACK, BYE and re-INVITE is carried across, the
 * provider's challenges are answered on its leg (in-dialog ones too), and a provider that fails
 * after an answered challenge, or with a timeout or a 5xx, gives way to the route's next one.
 */
public final class ProviderTrunk implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(ProviderTrunk.class);
    /** Failures after which the route's next registration is tried. */
    private static final Set<Integer> FAILOVER = Set.of(401, 403, 407, 408, 480, 500, 502, 503, 504);

    private final List<TrunkRoute> routes;
    private final ProviderRegistrations registrations;
    private final SipFactory factory;

    public ProviderTrunk(List<TrunkRoute> routes, ProviderRegistrations registrations, SipFactory factory) {
        this.routes = routes;
        this.registrations = registrations;
        this.factory = factory;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!"INVITE".equals(ex.method()) || ex.authenticatedUser() == null || !(req.getRequestURI() instanceof SipURI ruri)) {
            chain.proceed(ex);
            return;
        }
        for (TrunkRoute route : routes) {
            String target = route.target(ruri.getUser(), ruri.getHost());
            if (target == null) continue;
            TrunkCall call = new TrunkCall(req, route, target);
            req.getApplicationSession().setAttribute(TrunkCall.ATTRIBUTE, call);
            req.getSession().setInvalidateWhenReady(true);
            ex.bridged();
            synchronized (call) {
                if (!tryNextProvider(call, 0)) answerCaller(call, 503, "No Provider Available");
            }
            return;
        }
        chain.proceed(ex);
    }

    /** Sends the call to the route's registrations from index {@code from} on; false when none could be tried. */
    private boolean tryNextProvider(TrunkCall call, int from) {
        for (int i = from; i < call.registrations().size(); i++) {
            Optional<RemoteRegistration> r = registrations.registration(call.registrations().get(i));
            if (r.isEmpty() || r.get().disabled()) continue;
            try {
                sendToProvider(call, i, r.get());
                return true;
            } catch (IOException | ServletException | RuntimeException e) {
                log.warn("call {} not sent to provider {}: {}", call.callerInvite.getCallId(), r.get().lUuid(), e.toString());
            }
        }
        return false;
    }

    private void sendToProvider(TrunkCall call, int index, RemoteRegistration r) throws IOException, ServletException {
        SipServletRequest caller = call.callerInvite;
        B2buaHelper helper = caller.getB2buaHelper();
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("From", List.of(from(call, r)));
        if (call.route.toTarget()) headers.put("To", List.of("<sip:" + call.target + "@" + r.rDomain() + ">"));
        // not linked by the helper: the legs find each other through the call, which survives a failover
        SipServletRequest out = helper.createRequest(caller, false, headers);
        out.setRequestURI(factory.createURI("sip:" + call.target + "@" + r.rDomain()));
        if (r.outboundRoute() != null) out.pushRoute(factory.createAddress(r.outboundRoute()));
        out.removeHeader("Proxy-Authorization");
        out.removeHeader("Authorization");
        // the helper's copy may come without the offer (a caller that offers late would hide it)
        if (out.getContentLength() <= 0) copyBody(caller, out);
        if (call.route.from() == TrunkRoute.FromRule.ANONYMOUS) {
            out.setHeader("Privacy", "id");
            out.setHeader("P-Asserted-Identity", "<sip:" + r.rUsername() + "@" + r.rDomain() + ">");
        }
        call.attempt = index;
        call.provider = r;
        call.providerSession = out.getSession();
        call.providerSession.setAttribute(TrunkCall.ATTRIBUTE, call);
        call.providerSession.setInvalidateWhenReady(true);
        call.nonceCount = 0;
        call.challengesAnswered = 0;
        call.providerCseq = cseqOf(out);
        call.providerInvite = out;
        log.info("call {} from {} goes out through provider {} to {}@{}", caller.getCallId(), caller.getFrom().getURI(), r.lUuid(),
                call.target, r.rDomain());
        out.send();
    }

    /** The From the provider sees (From and To of the caller's leg are never changed: what the caller sent, it sees back). */
    private static String from(TrunkCall call, RemoteRegistration r) {
        String name = call.route.fromName() != null ? call.route.fromName() : call.callerInvite.getFrom().getDisplayName();
        String display = name == null || name.isEmpty() ? "" : "\"" + name.replace("\"", "") + "\" ";
        return switch (call.route.from()) {
            case IDENTITY -> display + "<sip:" + r.rUsername() + "@" + r.rDomain() + ">";
            case ANONYMOUS -> "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
            case KEEP -> display + "<" + call.callerInvite.getFrom().getURI() + ">";
        };
    }

    @Override
    public void onResponse(SipServletResponse resp) throws IOException {
        TrunkCall call = callOf(resp.getSession(false));
        if (call == null) return;
        synchronized (call) {
            SipServletRequest sent = resp.getRequest();
            if (sent.getAttribute(TrunkCall.RELAYED_FOR) instanceof SipServletRequest received) {
                relayedResponse(call, resp, received);
            } else if ("INVITE".equals(resp.getMethod()) && call.isProviderLeg(resp.getSession())) {
                providerAnswer(call, resp);
            }
        }
    }

    /** An answer to the call's INVITE on the provider leg. */
    private void providerAnswer(TrunkCall call, SipServletResponse resp) throws IOException {
        int status = resp.getStatus();
        if (status == 100 || call.answered && status < 300) {
            if (status >= 200) call.unackedFromProvider = resp; // a retransmitted 2xx: ACKed when the caller's ACK comes
            return;
        }
        if (status < 200) {
            SipServletResponse r = call.callerInvite.createResponse(status, resp.getReasonPhrase());
            copyBody(resp, r);
            r.send();
            return;
        }
        if (status < 300) {
            call.answered = true;
            call.unackedFromProvider = resp;
            SipServletResponse r = call.callerInvite.createResponse(status, resp.getReasonPhrase());
            copyBody(resp, r);
            r.send();
            return;
        }
        if (call.cancelled) return; // the container has answered the caller 487 already
        SipServletRequest challenged = resp.getRequest() != null ? resp.getRequest() : call.providerInvite;
        if ((status == 401 || status == 407) && answerChallenge(call, resp, challenged)) return;
        if (FAILOVER.contains(status) && tryNextProvider(call, call.attempt + 1)) {
            log.info("call {}: provider {} answered {}, trying the next one", call.callerInvite.getCallId(), call.provider.lUuid(), status);
            return;
        }
        answerCaller(call, status, resp.getReasonPhrase());
    }

    /**
     * Answers a 401/407 on the provider leg by sending the request again on that leg with its
     * credentials and the next CSeq; false when this realm was answered already (wrong
     * credentials) or the challenge cannot be answered.
     */
    private boolean answerChallenge(TrunkCall call, SipServletResponse resp, SipServletRequest challenged) throws IOException {
        DigestChallenge challenge = DigestChallenge.of(resp);
        if (challenge == null || challenge.refuses(challenged, resp.getStatus() == 407) || ++call.challengesAnswered > 6) return false;
        RemoteRegistration r = call.provider;
        String method = challenged.getMethod();
        String authorization = challenge.answer(new DigestChallenge.Secret(r.authUsername(), r.authPassword(), r.authHa1()), method,
                challenged.getRequestURI().toString(), ++call.nonceCount);
        if (authorization == null) return false;
        SipServletRequest again = resp.getSession().createRequest(method);
        copyBody(challenged, again);
        if ("INVITE".equals(method) && !call.answered) {
            // the initial INVITE: the container's copy counts its CSeq from the first one of the session
            StackHeaders.setCseq(again, ++call.providerCseq);
            call.providerInvite = again;
        } else {
            Object received = challenged.getAttribute(TrunkCall.RELAYED_FOR);
            if (received != null) again.setAttribute(TrunkCall.RELAYED_FOR, received);
        }
        again.removeHeader("Authorization");
        again.removeHeader("Proxy-Authorization");
        again.setHeader(DigestChallenge.answerHeader(resp), authorization);
        again.send();
        return true;
    }

    /** A response to a request carried across from the other leg (BYE, re-INVITE, INFO, ...). */
    private void relayedResponse(TrunkCall call, SipServletResponse resp, SipServletRequest received) throws IOException {
        int status = resp.getStatus();
        if (status == 100) return;
        if ((status == 401 || status == 407) && call.isProviderLeg(resp.getSession()) && answerChallenge(call, resp, resp.getRequest())) return;
        if ("INVITE".equals(resp.getMethod()) && status >= 200 && status < 300) {
            if (call.isProviderLeg(resp.getSession())) call.unackedFromProvider = resp;
            else call.unackedFromCaller = resp;
        }
        try {
            SipServletResponse r = received.createResponse(status, resp.getReasonPhrase());
            copyBody(resp, r);
            r.send();
        } catch (IllegalStateException alreadyAnswered) {
            log.debug("call {}: {} to {} not carried across, answered already", call.callerInvite.getCallId(), status, resp.getMethod());
        }
    }

    @Override
    public boolean onSubsequent(SipServletRequest req) throws IOException {
        TrunkCall call = callOf(req.getSession(false));
        if (call == null) return false;
        synchronized (call) {
            switch (req.getMethod()) {
                case "CANCEL" -> {
                    // the container answers the CANCEL and the caller's INVITE (487) itself
                    call.cancelled = true;
                    if (!call.answered && call.providerInvite != null) {
                        try {
                            call.providerInvite.createCancel().send();
                        } catch (IllegalStateException tooLate) {
                            log.debug("call {}: provider leg not cancelled: {}", req.getCallId(), tooLate.getMessage());
                        }
                    }
                }
                case "ACK" -> ack(call, req);
                default -> carryAcross(call, req);
            }
        }
        return true;
    }

    /** The ACK for a 2xx on one leg acknowledges the 2xx the other leg sent us. */
    private void ack(TrunkCall call, SipServletRequest ack) throws IOException {
        boolean fromCaller = !call.isProviderLeg(ack.getSession());
        SipServletResponse ok = fromCaller ? call.unackedFromProvider : call.unackedFromCaller;
        if (ok == null) return;
        SipServletRequest out = ok.createAck();
        copyBody(ack, out);
        out.send();
        if (fromCaller) call.unackedFromProvider = null;
        else call.unackedFromCaller = null;
    }

    /** A request inside the call on one leg goes on as a new request on the other, whose answer comes back to it. */
    private void carryAcross(TrunkCall call, SipServletRequest req) throws IOException {
        SipSession other = call.otherLeg(req.getSession());
        if (other == null || !other.isValid()) {
            req.createResponse(481, "Call/Transaction Does Not Exist").send();
            return;
        }
        SipServletRequest out = other.createRequest(req.getMethod());
        copyBody(req, out);
        for (String h : List.of("Reason", "Event", "Info-Package", "Subject")) {
            if (req.getHeader(h) != null) out.setHeader(h, req.getHeader(h));
        }
        out.setAttribute(TrunkCall.RELAYED_FOR, req);
        out.send();
    }

    private void answerCaller(TrunkCall call, int status, String reason) {
        try {
            call.callerInvite.createResponse(status, reason).send();
        } catch (IOException | IllegalStateException e) {
            log.debug("call {}: final {} not sent to the caller: {}", call.callerInvite.getCallId(), status, e.toString());
        }
    }

    private static TrunkCall callOf(SipSession s) {
        if (s == null || !s.isValid()) return null;
        return s.getApplicationSession().getAttribute(TrunkCall.ATTRIBUTE) instanceof TrunkCall c ? c : null;
    }

    private static void copyBody(SipServletMessage from, SipServletMessage to) throws IOException {
        byte[] body = from.getRawContent();
        if (body != null && body.length > 0 && from.getContentType() != null) to.setContent(body, from.getContentType());
    }

    private static long cseqOf(SipServletRequest req) {
        try {
            return SipUris.cseq(req);
        } catch (ServletParseException e) {
            return 1;
        }
    }
}
