package io.pushgate.runtime;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The final answers to non-INVITE requests over UDP, kept for RFC 3261's Timer J (32 s) so that a
 * retransmission arriving after its transaction has gone gets the same answer instead of being
 * handled again. A lingering transaction costs a few KB of heap that every young collection
 * copies; an answer here costs its encoded bytes in one fixed block outside the heap, written as
 * a ring. When the ring comes round before 32 s (more answers a second than fit), the oldest
 * answers are forgotten early: memory stays bounded whatever the load.
 */
final class AnsweredRequests {
    static final long TIMER_J_MS = 32_000;
    private static final int PROBES = 16;
    /** Entry layout: answer length, port, address length, address, answer. */
    private static final int HEADER = 4 + 4 + 1 + 16;

    /** An answer to send again, to where the first one went. */
    record Answer(byte[] bytes, InetAddress to, int port) {}

    private final ByteBuffer ring;
    private final int capacity;
    private final long[] slotKeys;
    private final long[] slotPositions;
    private final long[] slotTimes;
    private final int mask;
    private long written;

    AnsweredRequests(int bytes) {
        capacity = bytes;
        ring = ByteBuffer.allocateDirect(bytes);
        // about two slots per entry: an answer to a REGISTER is 400-600 bytes
        int slots = Integer.highestOneBit(Math.max(1024, bytes / 256) - 1) << 1;
        slotKeys = new long[slots];
        slotPositions = new long[slots];
        slotTimes = new long[slots];
        Arrays.fill(slotPositions, -1);
        mask = slots - 1;
    }

    /**
     * Key of a request or its answer: RFC 3261's transaction key (the top Via's branch and
     * sent-by, and the method: a CANCEL shares its INVITE's branch) and the CSeq number, which a
     * retransmission repeats and a client that reuses its branches for new requests does not. For
     * a Via without an RFC 3261 branch (RFC 2543 clients), what both the request and its answer
     * carry of RFC 3261's matching rule for them: Call-ID, From tag, CSeq and the top Via (the
     * Request-URI and To tag it adds are not in the answer, or not yet in the request). 0 when
     * there is no Via or CSeq.
     */
    static long key(SIPMessage message) {
        Via via = message.getTopmostVia();
        if (via == null || message.getCSeq() == null) return 0;
        String branch = via.getBranch();
        long h = 0xcbf29ce484222325L;
        if (branch == null || !branch.startsWith("z9hG4bK")) {
            h = mix(h, "2543");
            h = mix(h, String.valueOf(message.getCallId() == null ? null : message.getCallId().getCallId()));
            h = mix(h, String.valueOf(message.getFromTag()));
        }
        h = mix(h, String.valueOf(branch));
        h = mix(h, message.getCSeq().getMethod());
        h = mix(h, String.valueOf(via.getHost()));
        h = (h ^ via.getPort()) * 0x100000001b3L;
        h = (h ^ message.getCSeq().getSeqNumber()) * 0x100000001b3L;
        return h == 0 ? 1 : h;
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) h = (h ^ Character.toLowerCase(s.charAt(i))) * 0x100000001b3L;
        return (h ^ '|') * 0x100000001b3L;
    }

    synchronized void put(long key, byte[] answer, InetAddress to, int port, long now) {
        byte[] address = to.getAddress();
        int length = HEADER + answer.length;
        if (key == 0 || length > capacity / 4) return;
        int offset = (int) (written % capacity);
        if (offset + length > capacity) {
            written += capacity - offset; // entries do not wrap: start the next round
            offset = 0;
        }
        ring.putInt(offset, answer.length);
        ring.putInt(offset + 4, port);
        ring.put(offset + 8, (byte) address.length);
        ring.put(offset + 9, address, 0, address.length);
        ring.put(offset + HEADER, answer, 0, answer.length);
        int slot = slotFor(key, now);
        slotKeys[slot] = key;
        slotPositions[slot] = written;
        slotTimes[slot] = now;
        written += length;
    }

    /** The answer kept for this key, or null (never answered, forgotten, or older than Timer J). */
    synchronized Answer get(long key, long now) {
        if (key == 0) return null;
        int home = (int) (key ^ (key >>> 32)) & mask;
        for (int i = 0; i < PROBES; i++) {
            int slot = (home + i) & mask;
            if (slotKeys[slot] != key || !live(slot, now)) continue;
            int offset = (int) (slotPositions[slot] % capacity);
            byte[] answer = new byte[ring.getInt(offset)];
            int port = ring.getInt(offset + 4);
            byte[] address = new byte[ring.get(offset + 8)];
            ring.get(offset + 9, address, 0, address.length);
            ring.get(offset + HEADER, answer, 0, answer.length);
            try {
                return new Answer(answer, InetAddress.getByAddress(address), port);
            } catch (UnknownHostException impossible) {
                return null; // a 4- or 16-byte address always makes an InetAddress
            }
        }
        return null;
    }

    /** Slot for a new entry: its key's own, else a free or outdated one, else the oldest probed (forgotten early). */
    private int slotFor(long key, long now) {
        int home = (int) (key ^ (key >>> 32)) & mask;
        int free = -1;
        int oldest = home;
        for (int i = 0; i < PROBES; i++) {
            int slot = (home + i) & mask;
            if (slotKeys[slot] == key) return slot;
            if (free < 0 && !live(slot, now)) free = slot;
            if (slotPositions[slot] < slotPositions[oldest]) oldest = slot;
        }
        return free >= 0 ? free : oldest;
    }

    /** Younger than Timer J, and its bytes not yet written over by a later round of the ring. */
    private boolean live(int slot, long now) {
        long position = slotPositions[slot];
        return position >= 0 && now - slotTimes[slot] < TIMER_J_MS && written <= position + capacity;
    }
}
