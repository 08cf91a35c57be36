package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/** An initial request on its way through the pipeline, with what earlier steps learned about it. */
public final class Exchange {
    private final SipServletRequest request;
    private String authenticatedUser;
    private boolean answered;

    public Exchange(SipServletRequest request) {
        this.request = request;
    }

    public SipServletRequest request() { return request; }
    public String method() { return request.getMethod(); }

    /** The user name whose credentials were verified by the authentication step, or null. */
    public String authenticatedUser() { return authenticatedUser; }
    public void authenticatedAs(String user) { this.authenticatedUser = user; }

    public boolean answered() { return answered; }

    /** Creates a final response for the caller to decorate before {@link #send}. */
    public SipServletResponse response(int status, String reason) {
        return reason == null ? request.createResponse(status) : request.createResponse(status, reason);
    }

    public void send(SipServletResponse response) throws IOException {
        answered = true;
        response.send();
    }

    public void reply(int status, String reason) throws IOException {
        send(response(status, reason));
    }

    /** Marks the request as taken over by a proxy, which sends responses itself. */
    public void proxied() { answered = true; }
}
