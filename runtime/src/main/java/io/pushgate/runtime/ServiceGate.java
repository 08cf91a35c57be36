package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.util.function.BooleanSupplier;
import javax.sip.message.Response;

/**
 * The SIP listeners open before the application is deployed, and stay open while it stops; in
 * between the container would answer every request 404, which a phone takes as final. Until an
 * application serves (and from the moment the server starts stopping), a new request gets 503
 * with Retry-After instead, and the phone tries again. Requests inside a dialog pass: a call
 * still up during a graceful stop must be able to end.
 */
final class ServiceGate extends RequestValve {
    static final int RETRY_AFTER_SECONDS = 5;
    private static volatile BooleanSupplier serving = () -> false;
    private static volatile boolean stopping;
    private static final long RECHECK_NANOS = 100_000_000L;
    private static volatile long checkedAt;
    private static volatile boolean open;

    /** What says whether an application serves now (asked at most every 100 ms). */
    static void servingWhen(BooleanSupplier condition) {
        serving = condition;
        stopping = false;
        checkedAt = 0;
    }

    /** From now on new requests get 503: the server is stopping. */
    static void stopping() {
        stopping = true;
    }

    static boolean open() {
        if (stopping) return false;
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            open = serving.getAsBoolean();
            checkedAt = now;
        }
        return open;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (request.getToTag() != null || open()) return true;
        StackValves.answer(request, channel, Response.SERVICE_UNAVAILABLE, "Starting Or Stopping", "Retry-After",
                Integer.toString(RETRY_AFTER_SECONDS));
        return false;
    }
}
