package io.pushgate.runtime;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.nio.charset.StandardCharsets;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue between the UDP listener and the stack's worker threads, handing out the datagrams
 * of one call one at a time and in the order they arrived. With the stack's plain queue two
 * workers could take a 180 and a 200 that arrived in the same millisecond, and when the 200 was
 * handled first the late 180 was dropped: the caller heard no ringing. A datagram's call is its
 * Call-ID, read from the raw bytes (a stripe of calls, so memory stays fixed); a worker holds its
 * call until it comes back for the next datagram, the moment it has finished with this one.
 * Datagrams of other calls pass it by; one without a Call-ID is not held back by anything.
 * <p>
 * A request that waited longer than the wait bound is dropped instead of handed out: its client
 * has sent it again by then (T1, 500 ms), and a server that answers every late copy stays late
 * after the burst that made it late is over (bench/overload.py). Responses are always handed out;
 * they end transactions.
 */
final class CallOrderedQueue extends AbstractQueue<DatagramQueuedMessageDispatch> implements BlockingQueue<DatagramQueuedMessageDispatch> {
    private static final int NONE = -1;
    /** Datagrams of one stripe waiting at most: a flood on one Call-ID is dropped here, not scanned past forever. */
    static final int PER_STRIPE = 500;
    private static final Logger log = LoggerFactory.getLogger(CallOrderedQueue.class);
    private static final long LOG_EVERY_MS = 60_000;
    private final int capacity;
    private final long maxWaitMillis;
    private long lastLogged = -LOG_EVERY_MS;
    private long droppedSinceLog;
    private final boolean[] busy;
    private final int[] pending;
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    private final ThreadLocal<Entry> inHand = new ThreadLocal<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();

    private record Entry(DatagramQueuedMessageDispatch dispatch, int stripe, boolean request) {}

    /** maxWaitMillis: how long a request may wait for a worker; 0 for as long as it takes. */
    CallOrderedQueue(int stripes, int capacity, long maxWaitMillis) {
        this.busy = new boolean[stripes];
        this.pending = new int[stripes];
        this.capacity = capacity;
        this.maxWaitMillis = maxWaitMillis;
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch d) {
        byte[] data = d.packet.getData();
        Entry e = new Entry(d, stripe(data, d.packet.getLength()), !isResponse(data, d.packet.getLength()));
        lock.lock();
        try {
            if (waiting.size() >= capacity || e.stripe() != NONE && pending[e.stripe()] >= PER_STRIPE) {
                dropped(1);
                return false;
            }
            if (e.stripe() != NONE) pending[e.stripe()]++;
            waiting.addLast(e);
            // a datagram of a call in hand waits for that call's worker: waking another would wake it for nothing
            if (isFree(e)) ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(DatagramQueuedMessageDispatch d) {
        offer(d);
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch d, long timeout, TimeUnit unit) {
        return offer(d);
    }

    /** The next datagram this worker may handle; the one it had before is done with. */
    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS); // waits for good: ~292 years
    }

    /** The same, or null when none is free for this worker within the timeout. */
    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            release();
            Entry e;
            while ((e = firstFree()) == null) {
                if (nanos <= 0) return null;
                nanos = ready.awaitNanos(nanos);
            }
            return handOut(e);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the oldest datagram without handing it to a worker (the stack's congestion auditor drops it). */
    @Override
    public DatagramQueuedMessageDispatch poll() {
        lock.lock();
        try {
            Entry e = waiting.pollFirst();
            if (e != null && e.stripe() != NONE) pending[e.stripe()]--;
            return e == null ? null : e.dispatch();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public DatagramQueuedMessageDispatch peek() {
        lock.lock();
        try {
            Entry e = waiting.peekFirst();
            return e == null ? null : e.dispatch();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Iterator<DatagramQueuedMessageDispatch> iterator() {
        lock.lock();
        try {
            return waiting.stream().map(Entry::dispatch).toList().iterator();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int remainingCapacity() {
        return capacity - size();
    }

    @Override
    public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c, int max) {
        int n = 0;
        DatagramQueuedMessageDispatch d;
        while (n < max && (d = poll()) != null) {
            c.add(d);
            n++;
        }
        return n;
    }

    /**
     * Frees the call this worker had. No other worker is woken: this one looks for a free datagram
     * next, under the same lock, and wakes another in handOut if more are left. A wake-up here
     * cost every datagram a second context switch for a worker that found nothing.
     */
    private void release() {
        Entry done = inHand.get();
        if (done != null) {
            inHand.remove();
            if (done.stripe() != NONE) busy[done.stripe()] = false;
        }
    }

    /** The oldest datagram whose call is not in hand, dropping on the way the requests that waited too long. */
    private Entry firstFree() {
        long staleBefore = maxWaitMillis > 0 ? System.currentTimeMillis() - maxWaitMillis : Long.MIN_VALUE;
        int stale = 0;
        Entry free = null;
        for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.request() && e.dispatch().getReceptionTime() < staleBefore) {
                it.remove();
                if (e.stripe() != NONE) pending[e.stripe()]--;
                stale++;
            } else if (isFree(e)) {
                it.remove();
                free = e;
                break;
            }
        }
        if (stale > 0) dropped(stale);
        return free;
    }

    /** Whether a worker may take the datagram now: it has no call, or no worker holds its call. Under the lock. */
    private boolean isFree(Entry e) {
        return e.stripe() == NONE || !busy[e.stripe()];
    }

    /** Counts datagrams dropped for overload and says so in the log, at most once a minute. Under the lock. */
    private void dropped(int n) {
        SipTraffic.OVERLOAD_DROPPED.addAndGet(n);
        droppedSinceLog += n;
        long now = System.currentTimeMillis();
        if (now - lastLogged >= LOG_EVERY_MS) {
            log.warn("SIP over UDP overloaded: {} datagrams dropped unanswered since the last report: requests that waited over {} ms for a SIP"
                    + " thread, or found the queue full (their clients retransmit; docs/tuning.md)", droppedSinceLog, maxWaitMillis);
            lastLogged = now;
            droppedSinceLog = 0;
        }
    }

    private static boolean isResponse(byte[] data, int length) {
        return length >= 4 && data[0] == 'S' && data[1] == 'I' && data[2] == 'P' && data[3] == '/';
    }

    private DatagramQueuedMessageDispatch handOut(Entry e) {
        if (e.stripe() != NONE) {
            busy[e.stripe()] = true;
            pending[e.stripe()]--;
        }
        inHand.set(e);
        if (!waiting.isEmpty()) ready.signal(); // another worker may take what this one could not
        return e.dispatch();
    }

    /** The stripe of the datagram's Call-ID ("Call-ID:" or "i:" at a line start), or NONE. */
    int stripe(byte[] data, int length) {
        for (int i = 0; i + 2 < length; i++) {
            if (i > 0 && data[i - 1] != '\n') continue;
            if (data[i] == '\r' || data[i] == '\n' && i > 0) return NONE; // end of the headers
            int value = headerValue(data, i, length);
            if (value < 0) continue;
            int end = value;
            while (end < length && data[end] != '\r' && data[end] != '\n') end++;
            String callId = new String(data, value, end - value, StandardCharsets.ISO_8859_1).trim();
            return Math.floorMod(callId.hashCode(), busy.length);
        }
        return NONE;
    }

    /** Where the value of a Call-ID header starting at {@code at} begins, or -1 when the line is another header. */
    private static int headerValue(byte[] data, int at, int length) {
        int i = at;
        if (i + 7 <= length && new String(data, i, 7, StandardCharsets.ISO_8859_1).equalsIgnoreCase("call-id")) i += 7;
        else if ((data[i] == 'i' || data[i] == 'I')) i += 1;
        else return -1;
        while (i < length && (data[i] == ' ' || data[i] == '\t')) i++;
        return i < length && data[i] == ':' ? i + 1 : -1;
    }
}
