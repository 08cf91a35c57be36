package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;

/**
 * First step of every pipeline: an answered non-INVITE transaction stays this long to absorb
 * retransmissions ([router] non-invite-linger-ms), whoever answers it, initial request or not.
 * A MESSAGE stays RFC 3261's whole Timer J (32 s): handled twice, it would be delivered or stored
 * twice, where a REGISTER or OPTIONS handled twice does no harm.
 */
public final class TransactionLinger implements RequestStep {
    static final int TIMER_J_MS = 32_000;
    private final int lingerMs;

    public TransactionLinger(int lingerMs) {
        this.lingerMs = lingerMs;
    }

    @Override
    public void handle(Exchange exchange, Chain chain) throws IOException, ServletException {
        FinishedTransactions.lingerFor(exchange.request(), lingerFor(exchange.request()));
        chain.proceed(exchange);
    }

    @Override
    public boolean onSubsequent(SipServletRequest request) {
        FinishedTransactions.lingerFor(request, lingerFor(request));
        return false;
    }

    private int lingerFor(SipServletRequest request) {
        return "MESSAGE".equals(request.getMethod()) ? Math.max(lingerMs, TIMER_J_MS) : lingerMs;
    }
}
