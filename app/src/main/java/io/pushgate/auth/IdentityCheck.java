package io.pushgate.auth;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.sip.URI;

/**
 * Pipeline step: an authenticated user may register only its own address (To) and send only as
 * itself (From); anything else is 403.
 */
public final class IdentityCheck implements RequestStep {
    private final LocalDomain domain;

    public IdentityCheck(LocalDomain domain) {
        this.domain = domain;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        String user = ex.authenticatedUser();
        if (user != null) {
            boolean register = "REGISTER".equals(ex.method());
            URI claimed = register ? ex.request().getTo().getURI() : ex.request().getFrom().getURI();
            if (!user.equals(domain.localUser(claimed))) {
                ex.reply(403, register ? "To Does Not Match Credentials" : "From Does Not Match Credentials");
                return;
            }
        }
        chain.proceed(ex);
    }
}
