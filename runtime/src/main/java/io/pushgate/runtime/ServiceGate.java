package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sip.message.Response;

/**
 * The SIP listeners open before the application is deployed, and stay open while it stops; in
 * between the container would answer every request 404, which a phone takes as final. Until an
 * application serves (and from the moment the server starts stopping), a new request gets 503
 * with Retry-After instead, and the phone tries again. Requests inside a dialog pass: a call
 * still up during a graceful stop must be able to end.
 * <p>
 * A request let in just before the gate closes is still on its way to the application when the
 * stop begins, and the container stopping under it would answer 404. So the UDP workers
 * bracket each message ({@link #messageStarts}, {@link #messageDone}) and the stop waits for the
 * requests let in inside a bracket ({@link #awaitAdmitted}). Stream transports are not bracketed.
 */
final class ServiceGate extends RequestValve {
    static final int RETRY_AFTER_SECONDS = 5;
    private static volatile BooleanSupplier serving = () -> false;
    private static volatile boolean stopping;
    private static final long RECHECK_NANOS = 100_000_000L;
    private static volatile long checkedAt;
    private static volatile boolean open;
    /** Requests let in whose worker has not finished with them yet. */
    private static final AtomicInteger admitted = new AtomicInteger();
    /** Inside a bracket: whether this worker's message was let in and counted; null outside. */
    private static final ThreadLocal<Boolean> admittedHere = new ThreadLocal<>();

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

    /** A UDP worker starts on a message: a request let in from here on is counted until {@link #messageDone}. */
    static void messageStarts() {
        admittedHere.set(Boolean.FALSE);
    }

    /** The worker has finished with its message: the application has it, or it was answered. */
    static void messageDone() {
        if (Boolean.TRUE.equals(admittedHere.get())) admitted.decrementAndGet();
        admittedHere.remove();
    }

    /** Waits until every request let in before the gate closed has reached the application, at most timeoutMs. */
    static void awaitAdmitted(long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (admitted.get() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000L);
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
        if (request.getToTag() != null) return true;
        boolean counted = Boolean.FALSE.equals(admittedHere.get());
        // counted before the gate is read: a stop that closes it now either sees this count or is seen here
        if (counted) admitted.incrementAndGet();
        if (open()) {
            if (counted) admittedHere.set(Boolean.TRUE);
            return true;
        }
        if (counted) admitted.decrementAndGet();
        StackValves.answer(request, channel, Response.SERVICE_UNAVAILABLE, "Starting Or Stopping", "Retry-After",
                Integer.toString(RETRY_AFTER_SECONDS));
        return false;
    }
}
