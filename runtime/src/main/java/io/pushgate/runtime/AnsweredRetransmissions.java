package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stack valve that answers a retransmitted non-INVITE request over UDP with the answer its
 * transaction sent ({@link AnsweredRequests}), for all of Timer J, even after the transaction has
 * gone: the request is not handled twice. Counted as a retransmission.
 */
final class AnsweredRetransmissions extends RequestValve {
    private static final Logger log = LoggerFactory.getLogger(AnsweredRetransmissions.class);

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (!(channel.getMessageProcessor() instanceof UdpListener listener)) return true;
        AnsweredRequests.Answer answer = listener.answerTo(request);
        if (answer == null) return true;
        SipTraffic.RETRANSMISSIONS.incrementAndGet();
        try {
            listener.resend(answer);
        } catch (IOException e) {
            log.debug("could not send a kept answer again: {}", e.toString());
        }
        return false;
    }
}
