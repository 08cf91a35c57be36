package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;

/**
 * Pipeline step: no open relay. A request from a foreign user must be for a local one, and a
 * request from outside may not steer us with its own Route set.
 */
public final class RelayGuard implements RequestStep {
    private final LocalDomain domain;
    private final List<String> trustedPeers;

    public RelayGuard(LocalDomain domain, List<String> trustedPeers) {
        this.domain = domain;
        this.trustedPeers = trustedPeers;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        boolean fromOutside = ex.authenticatedUser() == null && domain.localUser(req.getFrom().getURI()) == null
                && !trustedPeers.contains(req.getInitialRemoteAddr());
        if (fromOutside && !domain.isLocal(req.getRequestURI())) {
            ex.reply(403, "Relaying Denied");
            return;
        }
        if (fromOutside && req.getHeader("Route") != null) {
            ex.reply(403, "Preloaded Route Denied");
            return;
        }
        chain.proceed(ex);
    }
}
