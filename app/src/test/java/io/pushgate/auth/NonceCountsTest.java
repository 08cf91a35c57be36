package io.pushgate.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
        assertTrue(c.accept(1_000, 42, 1));
        assertFalse("the same nc again is a replay", c.accept(1_000, 42, 1));
        assertTrue(c.accept(1_000, 42, 3));
        assertFalse("a lower nc is a replay", c.accept(1_000, 42, 2));
        assertTrue("another nonce has its own count", c.accept(1_000, 43, 1));
        assertFalse("a negative count is refused", c.accept(1_000, 44, -1));
        assertEquals(2, c.size());
    }

    @Test
    public void aGenerationIsEmptiedWhenALaterLifetimeNeedsItsPlace() {
        NonceCounts c = new NonceCounts(1000, LIFETIME);
        assertTrue(c.accept(10, 7, 1));
        assertTrue("the next lifetime has its own generation", c.accept(LIFETIME + 10, 8, 1));
        assertFalse("the first generation still remembers", c.accept(10, 7, 1));
        // a nonce of the third lifetime takes the first generation's place
        for (long r = 0; r < 200; r++) assertTrue(c.accept(2 * LIFETIME + 10, 1000 + r, 1));
        assertFalse("a nonce older than both generations is refused", c.accept(10, 7, 2));
        assertFalse("the second generation still remembers", c.accept(LIFETIME + 10, 8, 1));
        assertEquals(201, c.size());
    }

    @Test
    public void growingKeepsEveryCountAndTheCapacityHolds() {
        NonceCounts c = new NonceCounts(6400, LIFETIME);
        Random random = new Random(1);
        List<Long> accepted = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long r = random.nextLong();
            if (c.accept(5, r, 1)) accepted.add(r);
        }
        assertTrue("no more than the capacity: " + accepted.size(), accepted.size() <= 6400);
        assertTrue("refused only near the capacity: " + accepted.size(), accepted.size() >= 6000);
        assertEquals(accepted.size(), c.size());
        for (long r : accepted) {
            assertFalse(c.accept(5, r, 1));
            assertTrue(c.accept(5, r, 2));
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
            assertEquals("use " + i + " of nonce " + r + " nc " + nc, expected, c.accept(at, r, nc));
        }
    }
}
