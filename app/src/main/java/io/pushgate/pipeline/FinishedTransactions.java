package io.pushgate.pipeline;

import javax.servlet.sip.SipServletMessage;
import javax.sip.Transaction;
import javax.sip.TransactionState;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;
import org.mobicents.servlet.sip.core.session.MobicentsSipSession;

/**
 * Separates a transaction that has its final response from the container's sessions, before
 * they are invalidated. Invalidating a session terminates its transactions at once, and a
 * terminated transaction swallows the retransmissions it should answer: a device whose 401 or
 * 200 was lost got no answer for 32 s. Left attached instead, the container's data on the
 * transaction kept the request, its sessions and, when relayed, the proxy for Timer J (32 s on
 * UDP): ~30 KB per REGISTER, 1 GB of live heap at 600 relayed REGISTER pairs a second. Separated,
 * the stack keeps only what it needs to answer retransmissions, and the container skips its
 * end-of-transaction cleanup for a transaction without its data. How long it keeps that is
 * {@link #lingerFor}.
 */
public final class FinishedTransactions {
    /**
     * Application session attribute of a session its owner keeps across transactions (a remote
     * registration's Call-ID): steps that release finished sessions leave it alone.
     */
    public static final String KEPT = "pushgate.kept-session";

    private FinishedTransactions() {}

    /** Whether the message's application session is kept by its owner ({@link #KEPT}). */
    public static boolean kept(SipServletMessage message) {
        javax.servlet.sip.SipApplicationSession s = message.getApplicationSession(false);
        return s != null && s.isValid() && s.getAttribute(KEPT) != null;
    }

    /** Call before invalidating the message's sessions. */
    public static void release(SipServletMessage message) {
        if (!(message instanceof MobicentsSipServletMessage m)) return;
        Transaction t = m.getTransaction();
        if (t == null) return;
        MobicentsSipSession session = m.getSipSession();
        if (session != null) session.removeOngoingTransaction(t);
        t.setApplicationData(null);
    }

    /** Whether the message's transaction has sent its final response (or has none to send). */
    public static boolean answered(SipServletMessage message) {
        if (!(message instanceof MobicentsSipServletMessage m)) return true;
        Transaction t = m.getTransaction();
        if (t == null) return true;
        TransactionState state = t.getState();
        return state == TransactionState.COMPLETED || state == TransactionState.CONFIRMED || state == TransactionState.TERMINATED;
    }

    /**
     * Shortens how long a non-INVITE server transaction stays Completed after its final response
     * (Timer J, 64 × T1 = 32 s on UDP). The stack runs Timer J as 64 ticks of the transaction's
     * own T1, so T1 is set to lingerMs / 64; a non-INVITE server transaction uses T1 for nothing
     * else. Call before the final response is sent.
     */
    public static void lingerFor(SipServletMessage request, int lingerMs) {
        if (!(request instanceof MobicentsSipServletMessage m)) return;
        String method = request.getMethod();
        if ("INVITE".equals(method) || "ACK".equals(method) || "CANCEL".equals(method)) return;
        Transaction t = m.getTransaction();
        if (t == null) return;
        try {
            t.setRetransmitTimer(Math.max(1, lingerMs / 64));
        } catch (IllegalStateException | UnsupportedOperationException alreadyRunning) {
            // answered already: it keeps the stack's Timer J
        }
    }
}
