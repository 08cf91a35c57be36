package io.pushgate.routing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import java.io.IOException;
import java.util.Optional;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

/**
 * Pipeline step, first: refuses what cannot be forwarded before any work is spent on it: what
 * RFC 3261 does not allow ({@link RequestSyntax}: 400, 416, 420, 505), Max-Forwards exhausted
 * (483), a stray in-dialog request (481), a Request-URI without a user (484; OPTIONS to the
 * server itself is answered 200 as a keep-alive).
 */
public final class RequestSanity implements RequestStep {
    private final LocalDomain domain;

    public RequestSanity(LocalDomain domain) {
        this.domain = domain;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        String method = req.getMethod();
        Optional<RequestSyntax.Refusal> refusal = RequestSyntax.check(req);
        if (refusal.isPresent()) {
            RequestSyntax.Refusal r = refusal.get();
            if ("ACK".equals(method)) {
                ex.dropped(); // nothing answers an ACK
            } else {
                SipServletResponse response = ex.response(r.status(), r.reason());
                if (r.unsupported() != null) response.setHeader("Unsupported", r.unsupported());
                ex.send(response);
            }
            return;
        }
        if ("ACK".equals(method)) {
            ex.dropped(); // an ACK that matches no transaction or dialog is dropped (RFC 3261 section 17.2.3)
            return;
        }
        if ("REGISTER".equals(method)) {
            chain.proceed(ex);
            return;
        }
        if (req.getTo().getParameter("tag") != null) {
            ex.reply(481, "Call/Transaction Does Not Exist");
            return;
        }
        // A Request-URI without a user names a server: ours (answered or 484 below) or another one,
        // which later steps relay or refuse (a gateway's backend gets its devices' keep-alives).
        boolean noUser = req.getRequestURI() instanceof SipURI sip && (sip.getUser() == null || sip.getUser().isEmpty())
                && domain.isLocal(req.getRequestURI());
        if (noUser && "OPTIONS".equals(method)) {
            ex.reply(200, null);
            return;
        }
        String maxForwards = req.getHeader("Max-Forwards"); // absent in RFC 2543 requests, where getMaxForwards() fails
        if (maxForwards != null && Integer.parseInt(maxForwards.trim()) == 0) {
            ex.reply(483, "Too Many Hops");
            return;
        }
        if (noUser) {
            ex.reply(484, "Address Incomplete");
            return;
        }
        chain.proceed(ex);
    }
}
