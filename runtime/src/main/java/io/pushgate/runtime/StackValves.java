package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import java.util.List;
import javax.sip.SipStack;
import javax.sip.message.Response;

/**
 * The stack takes one valve; this one runs ours in order, each seeing a request before the
 * stack makes a transaction of it, until one answers or drops it (and returns false): the flood
 * limit (drops), the kept answer to a retransmission, the retransmission count, early refusals
 * (505, 405, 400), in-dialog requests for no dialog of ours (481), the service gate (503 until
 * the application serves).
 */
public final class StackValves implements SIPMessageValve {
    private final List<SIPMessageValve> valves = List.of(new FloodValve(), new AnsweredRetransmissions(), new RetransmissionCounter(), new EarlyRefusals(), new StrayDialogRequests(), new ServiceGate());

    @Override
    public void init(SipStack stack) {
        for (SIPMessageValve v : valves) v.init(stack);
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        for (SIPMessageValve v : valves) if (!v.processRequest(request, channel)) return false;
        return true;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        for (SIPMessageValve v : valves) if (!v.processResponse(response, channel)) return false;
        return true;
    }

    @Override
    public void destroy() {
        for (SIPMessageValve v : valves) v.destroy();
    }

    /** Answers a request statelessly from a valve, back to where it came from; false when it could not be sent. */
    static boolean answer(SIPRequest request, MessageChannel channel, int status, String reason, String header, String value) {
        if (javax.sip.message.Request.ACK.equals(request.getMethod())) return true; // nothing answers an ACK
        try {
            gov.nist.javax.sip.message.SIPResponse r = request.createResponse(status, reason);
            if (header != null) {
                gov.nist.javax.sip.header.ExtensionHeaderImpl h = new gov.nist.javax.sip.header.ExtensionHeaderImpl(header);
                h.setValue(value);
                r.setHeader(h);
            }
            // Over UDP to where the request came from (as with rport): the Via may name a host
            // that does not resolve, which is why the request is refused.
            if ("UDP".equalsIgnoreCase(channel.getTransport())) {
                channel.sendMessage(r, channel.getPeerPacketSourceAddress(), channel.getPeerPacketSourcePort());
            } else {
                channel.sendMessage(r);
            }
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
