package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.List;
import javax.servlet.ServletException;

/**
 * Pipeline step: a request for a local user is forked in parallel to all its bindings, highest q
 * first, along each binding's Path. Unknown users get 404, known but unregistered ones 480.
 */
public final class LocationRouter implements RequestStep {
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final BindingStore bindings;
    private final BindingTarget targets;

    public LocationRouter(LocalDomain domain, SubscriberDirectory subscribers, BindingStore bindings, BindingTarget targets) {
        this.domain = domain;
        this.subscribers = subscribers;
        this.bindings = bindings;
        this.targets = targets;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String user = domain.localUser(ex.request().getRequestURI());
        if (user == null) {
            chain.proceed(ex);
            return;
        }
        List<BindingRecord> live = bindings.current(domain.aor(user));
        if (live.isEmpty()) {
            if (subscribers.exists(user)) ex.reply(480, "Temporarily Unavailable");
            else ex.reply(404, "Not Found");
            return;
        }
        targets.forwardTo(ex, live);
    }
}
