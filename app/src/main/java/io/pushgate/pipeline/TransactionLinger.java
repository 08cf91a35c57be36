package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;

/**
 * First step of every pipeline: an answered non-INVITE transaction stays this long to absorb
 * retransmissions ([router] non-invite-linger-ms), whoever answers it, initial request or not.
 */
public final class TransactionLinger implements RequestStep {
    private final int lingerMs;

    public TransactionLinger(int lingerMs) {
        this.lingerMs = lingerMs;
    }

    @Override
    public void handle(Exchange exchange, Chain chain) throws IOException, ServletException {
        FinishedTransactions.lingerFor(exchange.request(), lingerMs);
        chain.proceed(exchange);
    }

    @Override
    public boolean onSubsequent(SipServletRequest request) {
        FinishedTransactions.lingerFor(request, lingerMs);
        return false;
    }
}
