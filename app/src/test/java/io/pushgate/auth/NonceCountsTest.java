package io.pushgate.auth;

import static io.pushgate.auth.NonceCounts.Use.COUNTED;
import static io.pushgate.auth.NonceCounts.Use.REPLAYED;
import static io.pushgate.auth.NonceCounts.Use.TABLE_FULL;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

public class NonceCountsTest {
    private static final long LIFETIME = 300_000;

    @Test
    public void aCountMustRiseForTheSameNonce() {
        NonceCounts c = new NonceCounts(1000, LIFETIME);
        assertEquals(COUNTED, c.accept(1_000, 42, 1));
        assertEquals("the same nc again is a replay", REPLAYED, c.accept(1_000, 42, 1));
        assertEquals(COUNTED, c.accept(1_000, 42, 3));
        assertEquals("a lower nc is a replay", REPLAYED, c.accept(1_000, 42, 2));
        assertEquals("another nonce has its own count", COUNTED, c.accept(1_000, 43, 1));
        assertEquals("a negative count is refused", REPLAYED, c.accept(1_000, 44, -1));
        assertEquals(2, c.size());
    }

    @Test
    public void aGenerationIsEmptiedWhenALaterLifetimeNeedsItsPlace() {
        NonceCounts c = new NonceCounts(1000, LIFETIME);
        assertEquals(COUNTED, c.accept(10, 7, 1));
        assertEquals("the next lifetime has its own generation", COUNTED, c.accept(LIFETIME + 10, 8, 1));
        assertEquals("the first generation still remembers", REPLAYED, c.accept(10, 7, 1));
        // a nonce of the third lifetime takes the first generation's place
        for (long r = 0; r < 200; r++) assertEquals(COUNTED, c.accept(2 * LIFETIME + 10, 1000 + r, 1));
        assertEquals("a nonce older than both generations is refused", REPLAYED, c.accept(10, 7, 2));
        assertEquals("the second generation still remembers", REPLAYED, c.accept(LIFETIME + 10, 8, 1));
        assertEquals(201, c.size());
    }

    @Test
    public void growingKeepsEveryCountAndTheCapacityHolds() {
        NonceCounts c = new NonceCounts(6400, LIFETIME);
        Random random = new Random(1);
        List<Long> accepted = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long r = random.nextLong();
            NonceCounts.Use use = c.accept(5, r, 1);
            if (use == COUNTED) accepted.add(r);
            else assertEquals(TABLE_FULL, use);
        }
        assertTrue("no more than the capacity: " + accepted.size(), accepted.size() <= 6400);
        assertTrue("refused only near the capacity: " + accepted.size(), accepted.size() >= 6000);
        assertEquals(accepted.size(), c.size());
        for (long r : accepted) {
            assertEquals(REPLAYED, c.accept(5, r, 1));
            assertEquals(COUNTED, c.accept(5, r, 2));
        }
    }

    /** Random uses of a few nonces over several lifetimes, against a map that keeps everything. */
    @Test
    public void answersAsAMapOfHighestCountsWould() {
        NonceCounts c = new NonceCounts(100_000, LIFETIME);
        Map<Long, Long> highest = new HashMap<>();
        Map<Long, Long> issued = new HashMap<>();
        Random random = new Random(7);
        long now = 0;
        for (int i = 0; i < 200_000; i++) {
            now += random.nextInt(50);
            long r = random.nextInt(2000);
            long at = issued.computeIfAbsent(r, k -> 0L);
            if (now - at > LIFETIME) {
                // a stale nonce would not reach the table: issue this one anew
                at = now;
                issued.put(r, at);
                highest.remove(r);
            }
            long nc = random.nextInt(8);
            Long prev = highest.get(r);
            boolean expected = prev == null || nc > prev;
            if (expected) highest.put(r, nc);
            assertEquals("use " + i + " of nonce " + r + " nc " + nc, expected ? COUNTED : REPLAYED, c.accept(at, r, nc));
        }
    }
}
