package io.pushgate.gateway;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.FinishedTransactions;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.ServletException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * First step of the gateway role, last to see responses: a relayed request that creates no
 * dialog needs its sessions only until the container has sent the final response on. Left alone
 * they would live for the application session timeout; kept even a second or two, every young
 * collection copies them (~30 KB a REGISTER pair), and the pauses that makes are the gateway's
 * latency tail. Released as soon as the relayed request's own transaction shows the response
 * sent, checked every {@link #CHECK_MS}.
 */
public final class FinishedRelays implements RequestStep {
    static final long CHECK_MS = 100;
    /** After this many checks (2 s) the sessions go even if the transaction never shows its answer. */
    static final int MAX_CHECKS = 20;

    private final ScheduledExecutorService timers;

    public FinishedRelays(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    @Override
    public void handle(Exchange exchange, Chain chain) throws IOException, ServletException {
        chain.proceed(exchange);
    }

    @Override
    public void onResponse(SipServletResponse resp) {
        if (resp.getStatus() < 200 || resp.isBranchResponse() || "INVITE".equals(resp.getMethod()) || FinishedTransactions.kept(resp)) return;
        SipApplicationSession session = resp.getApplicationSession(false);
        if (session == null) return;
        // a relayed request's own transaction, read now: the container forgets the request later
        SipServletRequest received = resp.getProxyBranch() != null ? resp.getProxy().getOriginalRequest() : null;
        timers.schedule(new Runnable() {
            private int checks;

            @Override
            public void run() {
                if (received != null && !FinishedTransactions.answered(received) && ++checks < MAX_CHECKS) {
                    timers.schedule(this, CHECK_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                FinishedTransactions.release(received);
                FinishedTransactions.release(resp);
                try {
                    if (session.isValid()) session.invalidate();
                } catch (IllegalStateException alreadyGone) {
                    // ended meanwhile
                }
            }
        }, CHECK_MS, TimeUnit.MILLISECONDS);
    }
}
