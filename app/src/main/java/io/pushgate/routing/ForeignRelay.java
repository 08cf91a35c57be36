package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;

/** Pipeline step, last: a request for another domain (already allowed by RelayGuard) is relayed to its Request-URI. */
public final class ForeignRelay implements RequestStep {
    private final ProxyForwarder forwarder;

    public ForeignRelay(ProxyForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        forwarder.forward(ex, List.of(new ProxyForwarder.Target(ex.request().getRequestURI(), List.of())));
    }
}
