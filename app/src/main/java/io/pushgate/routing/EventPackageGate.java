package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import javax.servlet.ServletException;

/** Pipeline step: PUBLISH and SUBSCRIBE for local users get 503 until an event package serves them. */
public final class EventPackageGate implements RequestStep {
    private final LocalDomain domain;

    public EventPackageGate(LocalDomain domain) {
        this.domain = domain;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String m = ex.method();
        if (("PUBLISH".equals(m) || "SUBSCRIBE".equals(m)) && domain.isLocal(ex.request().getRequestURI())) {
            ex.reply(503, "No Event Package Served");
            return;
        }
        chain.proceed(ex);
    }
}
