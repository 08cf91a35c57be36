package io.pushgate.pipeline;

import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;

/** The ordered steps every initial request goes through; the order is fixed where the pipeline is built. */
public final class RequestPipeline {
    private final List<RequestStep> steps;

    public RequestPipeline(List<RequestStep> steps) {
        this.steps = List.copyOf(steps);
    }

    public void run(Exchange exchange) throws IOException, ServletException {
        new IndexChain(0).proceed(exchange);
    }

    public List<RequestStep> steps() { return steps; }

    private final class IndexChain implements RequestStep.Chain {
        private final int index;

        IndexChain(int index) { this.index = index; }

        @Override
        public void proceed(Exchange exchange) throws IOException, ServletException {
            if (index >= steps.size()) {
                // Every pipeline ends in a step that answers; reaching here is a wiring bug.
                exchange.reply(500, "No Route Decided");
                return;
            }
            steps.get(index).handle(exchange, new IndexChain(index + 1));
        }
    }
}
