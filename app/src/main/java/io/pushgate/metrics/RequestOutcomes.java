package io.pushgate.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletResponse;

/**
 * First step of every pipeline after the linger: counts how each initial request ended, answered
 * here or by the peer it was relayed to, and what became of REGISTERs (accepted, challenged,
 * rejected). It changes nothing.
 */
public final class RequestOutcomes implements RequestStep {
    static final Counter ANSWERED = Counter.builder().withoutExemplars().name("pushgate_requests_answered")
            .help("Initial requests by method and the status class of their final answer (Pushgate's own, or the relayed peer's).")
            .labelNames("method", "class").register();
    static final Counter REGISTERS = Counter.builder().withoutExemplars().name("pushgate_registers")
            .help("REGISTERs by outcome: accepted (2xx), challenged (401/407), rejected (any other final answer).")
            .labelNames("outcome").register();

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        chain.proceed(ex);
        if (ex.finalStatus() > 0) count(ex.method(), ex.finalStatus());
    }

    @Override
    public void onResponse(SipServletResponse response) {
        if (response.getStatus() >= 200 && response.getProxyBranch() != null && response.getRequest().isInitial()) {
            count(response.getMethod(), response.getStatus());
        }
    }

    static void count(String method, int status) {
        ANSWERED.labelValues(SipLabels.method(method), SipLabels.statusClass(status)).inc();
        if ("REGISTER".equals(method)) {
            REGISTERS.labelValues(status < 300 ? "accepted" : status == 401 || status == 407 ? "challenged" : "rejected").inc();
        }
    }
}
