package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import javax.servlet.ServletException;

/**
 * Pipeline step: PUBLISH and SUBSCRIBE for local users that no event package took (the registration
 * package is served before this step) get 489 Bad Event (RFC 6665 section 8.3.1).
 */
public final class EventPackageGate implements RequestStep {
    private final LocalDomain domain;
    private final boolean servesReg;

    public EventPackageGate(LocalDomain domain, boolean servesReg) {
        this.domain = domain;
        this.servesReg = servesReg;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String m = ex.method();
        if (("PUBLISH".equals(m) || "SUBSCRIBE".equals(m)) && domain.isLocal(ex.request().getRequestURI())) {
            javax.servlet.sip.SipServletResponse r = ex.response(489, "Bad Event");
            if (servesReg) r.setHeader("Allow-Events", "reg");
            ex.send(r);
            return;
        }
        chain.proceed(ex);
    }
}
