package io.pushgate.flood;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class SourceRateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private SourceRateLimit limit(int rate, int burst, List<String> exempt, boolean exemptLoopback, int maxSources) {
        return new SourceRateLimit(new FloodSettings(rate, burst, 60, exempt, exemptLoopback, maxSources), now::get);
    }

    @Test
    public void aSourceWithinItsRatePassesAndOneAboveIsBlockedForTheBlockTime() {
        SourceRateLimit l = limit(10, 5, List.of(), true, 100);
        for (int i = 0; i < 5; i++) assertEquals(SourceRateLimit.Verdict.PASS, l.check("192.0.2.1"));
        assertEquals(SourceRateLimit.Verdict.BLOCKED_NOW, l.check("192.0.2.1"));
        now.addAndGet(1_000); // ten tokens back, but blocked all the same
        assertEquals(SourceRateLimit.Verdict.BLOCKED, l.check("192.0.2.1"));
        assertEquals("another source is not affected", SourceRateLimit.Verdict.PASS, l.check("192.0.2.2"));
        assertEquals(1, l.blockedSources());
        assertEquals(2, l.dropped());
        now.addAndGet(60_000);
        assertEquals(SourceRateLimit.Verdict.PASS, l.check("192.0.2.1"));
    }

    @Test
    public void aSteadySourceAtItsRateIsNeverBlocked() {
        SourceRateLimit l = limit(10, 2, List.of(), true, 100);
        for (int i = 0; i < 1000; i++) {
            assertEquals("request " + i, SourceRateLimit.Verdict.PASS, l.check("192.0.2.1"));
            now.addAndGet(100);
        }
    }

    @Test
    public void exemptSourcesAndLoopbackAreNeverLimited() {
        SourceRateLimit l = limit(1, 1, List.of("198.51.100.7"), true, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(SourceRateLimit.Verdict.PASS, l.check("198.51.100.7"));
            assertEquals(SourceRateLimit.Verdict.PASS, l.check("127.0.0.1"));
            assertEquals(SourceRateLimit.Verdict.PASS, l.check("::1"));
        }
        SourceRateLimit strict = limit(1, 1, List.of(), false, 100);
        strict.check("127.0.0.1");
        assertEquals(SourceRateLimit.Verdict.BLOCKED_NOW, strict.check("127.0.0.1"));
    }

    @Test
    public void theTableStaysWithinItsSizeWhateverTheNumberOfSources() {
        SourceRateLimit l = limit(1000, 1000, List.of(), false, 100);
        for (int i = 0; i < 10_000; i++) {
            l.check("10.0." + (i / 256) + "." + (i % 256));
            if (i % 500 == 0) now.addAndGet(2_000);
        }
        assertTrue("tracked " + l.trackedSources(), l.trackedSources() <= 101);
    }
}
