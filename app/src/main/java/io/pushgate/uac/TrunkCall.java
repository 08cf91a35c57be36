package io.pushgate.uac;

import java.util.List;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;

/**
 * One call going out through a provider: the caller's leg as received, the provider leg as sent
 * (each with its own From, To, tags and CSeq, so what one side sent is exactly what it sees back),
 * and what the leg toward the provider has answered of its challenges.
 */
final class TrunkCall {
    static final String ATTRIBUTE = TrunkCall.class.getName();
    /** Request attribute: the request on the other leg that this one was sent for, and waits for this one's answer. */
    static final String RELAYED_FOR = TrunkCall.class.getName() + ".for";

    final SipServletRequest callerInvite;
    final SipSession callerSession;
    final TrunkRoute route;
    final String target;
    /** Index in route.registrations() of the provider tried now. */
    int attempt;
    RemoteRegistration provider;
    SipSession providerSession;
    /** The INVITE on the provider leg now in flight (a CANCEL goes to it). */
    SipServletRequest providerInvite;
    /** CSeq of the provider leg's INVITE transactions: the container would count from the first one. */
    long providerCseq;
    int nonceCount;
    /** Challenges answered on the provider leg: a bound, whatever the provider says. */
    int challengesAnswered;
    boolean answered;
    boolean cancelled;
    /** The 2xx on each leg that still waits for its ACK, which comes in on the other leg. */
    SipServletResponse unackedFromProvider;
    SipServletResponse unackedFromCaller;

    TrunkCall(SipServletRequest callerInvite, TrunkRoute route, String target) {
        this.callerInvite = callerInvite;
        this.callerSession = callerInvite.getSession();
        this.route = route;
        this.target = target;
    }

    boolean isProviderLeg(SipSession s) {
        return s != null && s.equals(providerSession);
    }

    /** The session a request received on {@code s} goes on to. */
    SipSession otherLeg(SipSession s) {
        return isProviderLeg(s) ? callerSession : providerSession;
    }

    List<String> registrations() {
        return route.registrations();
    }
}
