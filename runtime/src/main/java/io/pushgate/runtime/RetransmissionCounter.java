package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import javax.sip.SipStack;
import javax.sip.message.Request;

/**
 * A stack valve that counts requests arriving for a server transaction the stack already has:
 * retransmissions, which rise when answers are late. It lets every message through.
 */
public final class RetransmissionCounter extends RequestValve {
    private SIPTransactionStack stack;

    @Override
    public void init(SipStack sipStack) {
        this.stack = (SIPTransactionStack) sipStack;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (stack != null && !Request.ACK.equals(request.getMethod()) && stack.findTransaction(request, true) != null) {
            SipTraffic.RETRANSMISSIONS.incrementAndGet();
        }
        return true;
    }
}
