package io.pushgate.uac;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.Optional;
import javax.servlet.ServletException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step (Kamailio's uac_reg_lookup): a request from a provider reaches us at the Contact of
 * one of our registrations, so its Request-URI user is an l_uuid (or it carries line=l_uuid). It
 * is retargeted to that registration's l_username@l_domain and goes on like any request for a
 * local user: location, push and fork-late in the registrar role, the backend in the gateway role.
 */
public final class RemoteLineLookup implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(RemoteLineLookup.class);

    private final ProviderRegistrations registrations;
    private final SipFactory factory;

    public RemoteLineLookup(ProviderRegistrations registrations, SipFactory factory) {
        this.registrations = registrations;
        this.factory = factory;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!"REGISTER".equals(ex.method()) && req.getRequestURI() instanceof SipURI ruri) {
            Optional<RemoteRegistration> line = registrations.line(ruri.getUser(), ruri.getParameter("line"));
            if (line.isPresent()) {
                RemoteRegistration r = line.get();
                req.setRequestURI(factory.createURI("sip:" + r.lUsername() + "@" + r.lDomain()));
                log.debug("{} {} from provider line {} goes to {}@{}", ex.method(), req.getCallId(), r.lUuid(), r.lUsername(), r.lDomain());
            }
        }
        chain.proceed(ex);
    }
}
