package io.pushgate.routing;

import java.util.concurrent.ThreadLocalRandom;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.TransactionState;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A final answer the proxy gives itself to a request it proxied, when no branch will give one.
 * After the last branch is cancelled the container forgets the request's transaction and refuses
 * to answer, so the answer then goes on the transaction, taken while the container still had it.
 */
public final class ProxyAnswer {
    private static final Logger log = LoggerFactory.getLogger(ProxyAnswer.class);

    private final SipServletRequest request;
    private final ServerTransaction transaction;

    /** Call before cancelling branches: it keeps the request's transaction. */
    public ProxyAnswer(SipServletRequest request) {
        this.request = request;
        this.transaction = request instanceof MobicentsSipServletMessage m && m.getTransaction() instanceof ServerTransaction st
                ? st : null;
    }

    /** Sends the final answer; reasonHeader (RFC 3326) may be null. Does nothing once answered. */
    public void send(int status, String reason, String reasonHeader) {
        try {
            SipServletResponse r = request.createResponse(status, reason);
            if (reasonHeader != null) r.setHeader("Reason", reasonHeader);
            r.send();
        } catch (java.io.IOException | IllegalStateException e) {
            sendOnTransaction(status, reason, reasonHeader, e);
        }
    }

    private void sendOnTransaction(int status, String reason, String reasonHeader, Exception why) {
        ServerTransaction st = transaction;
        if (st == null || st.getState() == null || st.getState().getValue() >= TransactionState._COMPLETED) {
            log.debug("{}: final {} not sent, already answered: {}", request.getCallId(), status, why.toString());
            return;
        }
        try {
            SipFactory sip = SipFactory.getInstance();
            Response r = sip.createMessageFactory().createResponse(status, st.getRequest());
            r.setReasonPhrase(reason);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to.getTag() == null) to.setTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
            if (reasonHeader != null) r.addHeader(sip.createHeaderFactory().createHeader("Reason", reasonHeader));
            st.sendResponse(r);
        } catch (Exception e) {
            log.warn("{}: could not send final {}: {}", request.getCallId(), status, e.toString());
        }
    }
}
