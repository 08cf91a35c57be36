package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/** An initial request on its way through the pipeline, with what earlier steps learned about it. */
public final class Exchange {
    private final SipServletRequest request;
    private String authenticatedUser;
    private boolean answered;
    private boolean proxied;
    private boolean watchResponses;
    private boolean keepSessions;
    private int finalStatus;

    /** Null until a step asks: most requests have none. */
    private java.util.List<java.util.function.Consumer<SipServletResponse>> decorators;

    public Exchange(SipServletRequest request) {
        this.request = request;
    }

    public SipServletRequest request() { return request; }
    public String method() { return request.getMethod(); }

    /** The user name whose credentials were verified by the authentication step, or null. */
    public String authenticatedUser() { return authenticatedUser; }
    public void authenticatedAs(String user) { this.authenticatedUser = user; }

    public boolean answered() { return answered; }

    /** The final status this application sent for the request itself, or 0 (not answered here, or not yet). */
    public int finalStatus() { return finalStatus; }

    /** True once the request was handed to the container's proxy. */
    public boolean isProxied() { return proxied; }

    /** Asks for the proxy to show every response to the application (a step rewrites them). */
    public void watchResponses() { this.watchResponses = true; }
    public boolean watchesResponses() { return watchResponses; }

    /** Creates a final response for the caller to decorate before {@link #send}. */
    public SipServletResponse response(int status, String reason) {
        return reason == null ? request.createResponse(status) : request.createResponse(status, reason);
    }

    /** Lets an earlier step add to whatever response a later step sends for this request. */
    public void beforeSend(java.util.function.Consumer<SipServletResponse> decorator) {
        if (decorators == null) decorators = new java.util.ArrayList<>(1);
        decorators.add(decorator);
    }

    public void send(SipServletResponse response) throws IOException {
        answered = true;
        if (decorators != null) for (java.util.function.Consumer<SipServletResponse> d : decorators) d.accept(response);
        response.send();
        if (response.getStatus() < 200) return;
        finalStatus = response.getStatus();
        if (!keepSessions) releaseSessions();
        // The dialog stays, but the container must not end this transaction with it: once the
        // subscription ends, the container invalidates the session when its last NOTIFY transaction
        // does and would take the answered SUBSCRIBE's transaction along, leaving its
        // retransmissions unanswered.
        else if (!"INVITE".equals(request.getMethod())) FinishedTransactions.release(request);
    }

    /**
     * The request was handed to a back-to-back user agent of this application, which answers it
     * later from the other leg's responses; its sessions stay with the dialog.
     */
    public void bridged() {
        answered = true;
        keepSessions = true;
    }

    /** The request opens a dialog this application takes part in (a subscription, a B2BUA leg): its sessions stay. */
    public void keepSessions() { this.keepSessions = true; }

    /**
     * A request answered here needs no session once its final response is sent; the container would
     * otherwise keep one per request for the application session lifetime, and a busy registrar
     * would spend its time in garbage collection. Retransmissions are answered by the transaction,
     * kept apart from the sessions (FinishedTransactions).
     */
    private void releaseSessions() {
        FinishedTransactions.release(request);
        try {
            javax.servlet.sip.SipSession s = request.getSession(false);
            if (s != null && s.isValid()) s.invalidate();
            javax.servlet.sip.SipApplicationSession a = request.getApplicationSession(false);
            if (a != null && a.isValid()) a.invalidate();
        } catch (IllegalStateException alreadyGone) {
            // invalidated concurrently; nothing left to free
        }
    }

    public void reply(int status, String reason) throws IOException {
        send(response(status, reason));
    }

    /** Marks a request that gets no response (a stray ACK) as done and frees its sessions. */
    public void dropped() {
        answered = true;
        releaseSessions();
    }

    /** The proxy could send the request to no branch and answered it itself: no response comes back through it. */
    public void proxyAnsweredItself() { proxied = false; }

    /** Marks the request as taken over by a proxy, which sends responses itself; its sessions end with the dialog. */
    public void proxied() {
        answered = true;
        proxied = true;
        request.getApplicationSession().setInvalidateWhenReady(true);
        request.getSession().setInvalidateWhenReady(true);
    }
}
