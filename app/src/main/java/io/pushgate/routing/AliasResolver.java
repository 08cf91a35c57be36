package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.Optional;
import javax.servlet.ServletException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.URI;

/**
 * Pipeline step: a local Request-URI that names an alias instead of a subscriber is rewritten to
 * the alias target before lookup; a target in another domain is then relayed there.
 */
public final class AliasResolver implements RequestStep {
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final AliasTable aliases;
    private final SipFactory factory;

    public AliasResolver(LocalDomain domain, SubscriberDirectory subscribers, AliasTable aliases, SipFactory factory) {
        this.domain = domain;
        this.subscribers = subscribers;
        this.aliases = aliases;
        this.factory = factory;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String user = domain.localUser(ex.request().getRequestURI());
        if (user != null && !subscribers.exists(user)) {
            Optional<Alias> alias = aliases.find(user);
            if (alias.isPresent()) {
                String target = alias.get().target();
                URI uri = factory.createURI(target.contains(":") ? target : domain.aor(target));
                ex.request().setRequestURI(uri);
            }
        }
        chain.proceed(ex);
    }
}
