package io.pushgate.auth;

/**
 * The highest nonce-count seen per nonce, for replay detection, kept in arrays of longs. Every
 * authenticated request adds an entry that must live for the nonce's lifetime; as map entries
 * (about 145 bytes in five objects) each young collection copied them until they were promoted.
 * Entries are kept in two generations by the lifetime their nonce was issued in: a generation is
 * emptied when a later lifetime needs its place, and by then every nonce in it is stale.
 */
final class NonceCounts {
    /** What a use of a nonce-count came to. */
    enum Use { COUNTED, REPLAYED, TABLE_FULL }

    private static final int SEGMENTS = 64;
    private static final int INITIAL_SLOTS = 16;

    private final long lifetimeMs;
    private final int maxPerSegment;
    private final Segment[] segments = new Segment[SEGMENTS];

    /** capacity: nonces issued within one lifetime that can be tracked (about: it is split over segments). */
    NonceCounts(int capacity, long lifetimeMs) {
        this.lifetimeMs = lifetimeMs;
        this.maxPerSegment = Math.max(1, (capacity + SEGMENTS - 1) / SEGMENTS);
        for (int i = 0; i < SEGMENTS; i++) segments[i] = new Segment();
    }

    /**
     * Records a use of the nonce issued at {@code issuedAt} with random part {@code random}.
     * REPLAYED when nc is not above the highest seen for it, or the nonce is older than both
     * generations; TABLE_FULL when its generation has no room for another nonce.
     */
    Use accept(long issuedAt, long random, long nc) {
        if (nc < 0) return Use.REPLAYED;
        long h = mix(random);
        return segments[(int) (h >>> 58)].accept(Math.floorDiv(issuedAt, lifetimeMs), random, (int) h, nc + 1);
    }

    int size() {
        int n = 0;
        for (Segment s : segments) n += s.size();
        return n;
    }

    /** MurmurHash3's 64-bit finaliser: top bits pick the segment, low bits the slot. */
    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    /** Open addressing with linear probing; a stored count of 0 marks a free slot (counts are kept as nc + 1). */
    private final class Segment {
        private final long[] epochs = {Long.MIN_VALUE, Long.MIN_VALUE};
        private final long[][] keys = new long[2][INITIAL_SLOTS];
        private final long[][] counts = new long[2][INITIAL_SLOTS];
        private final int[] sizes = new int[2];

        synchronized Use accept(long epoch, long key, int hash, long stored) {
            int g = (int) (epoch & 1);
            if (epochs[g] != epoch) {
                if (epochs[g] > epoch) return Use.REPLAYED;
                epochs[g] = epoch;
                keys[g] = new long[INITIAL_SLOTS];
                counts[g] = new long[INITIAL_SLOTS];
                sizes[g] = 0;
            }
            int i = slot(g, key, hash);
            long[] c = counts[g];
            if (c[i] != 0) {
                if (stored <= c[i]) return Use.REPLAYED;
                c[i] = stored;
                return Use.COUNTED;
            }
            if (sizes[g] >= maxPerSegment) return Use.TABLE_FULL;
            if (2 * (sizes[g] + 1) > c.length) {
                grow(g);
                i = slot(g, key, hash);
            }
            keys[g][i] = key;
            counts[g][i] = stored;
            sizes[g]++;
            return Use.COUNTED;
        }

        /** The key's slot in generation g, or the free slot where it would go. */
        private int slot(int g, long key, int hash) {
            long[] k = keys[g], c = counts[g];
            int mask = k.length - 1;
            int i = hash & mask;
            while (c[i] != 0 && k[i] != key) i = (i + 1) & mask;
            return i;
        }

        private void grow(int g) {
            long[] oldKeys = keys[g], oldCounts = counts[g];
            keys[g] = new long[oldKeys.length * 2];
            counts[g] = new long[oldKeys.length * 2];
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldCounts[j] == 0) continue;
                int i = slot(g, oldKeys[j], (int) mix(oldKeys[j]));
                keys[g][i] = oldKeys[j];
                counts[g][i] = oldCounts[j];
            }
        }

        synchronized int size() {
            return sizes[0] + sizes[1];
        }
    }
}
