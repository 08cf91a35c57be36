package io.pushgate.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ordered steps of one role: initial requests in order, responses last step first, subsequent requests in order. */
public final class RequestPipeline {
    private static final Logger log = LoggerFactory.getLogger(RequestPipeline.class);

    private final List<RequestStep> steps;

    public RequestPipeline(List<RequestStep> steps) {
        this.steps = List.copyOf(steps);
    }

    public void run(Exchange exchange) throws IOException, ServletException {
        new IndexChain(0).proceed(exchange);
    }

    /** Every step sees the response, last step first; one step failing does not keep it from the others. */
    public void onResponse(SipServletResponse response) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            RequestStep step = steps.get(i);
            try {
                step.onResponse(response);
            } catch (IOException | RuntimeException e) {
                log.warn("{}: {} {} response handling failed: {}", step.name(), response.getStatus(), response.getMethod(), e.toString());
            }
        }
    }

    /** Offers a subsequent request to the steps in order; true when one took it. */
    public boolean onSubsequent(SipServletRequest request) throws IOException {
        for (RequestStep step : steps) if (step.onSubsequent(request)) return true;
        return false;
    }

    public List<RequestStep> steps() { return steps; }

    /** One line per step, numbered from 1: what the server prints at start-up. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) lines.add((i + 1) + " " + steps.get(i).name());
        return lines;
    }

    /**
     * Like OkHttp's chain: each link may be followed once, and not by a step that has already
     * answered or proxied the request. Either is a wiring error, refused loudly.
     */
    private final class IndexChain implements RequestStep.Chain {
        private final int index;
        private boolean proceeded;

        IndexChain(int index) { this.index = index; }

        @Override
        public void proceed(Exchange exchange) throws IOException, ServletException {
            String caller = index == 0 ? "the pipeline" : steps.get(index - 1).name();
            if (proceeded) throw new IllegalStateException(caller + " passed " + exchange.method() + " on twice");
            proceeded = true;
            if (exchange.answered()) {
                throw new IllegalStateException(caller + " answered or proxied " + exchange.method() + " and then passed it on");
            }
            if (index >= steps.size()) {
                // Every pipeline ends in a step that answers; reaching here is a wiring bug.
                exchange.reply(500, "No Route Decided");
                return;
            }
            steps.get(index).handle(exchange, new IndexChain(index + 1));
        }
    }
}
