package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class PendingRegistrationsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private PendingRegistrations.Pending entry() {
        return new PendingRegistrations.Pending("sip:a@example.org", List.of(), false, now.get());
    }

    @Test
    public void takeReturnsOnceThenForgets() {
        PendingRegistrations p = new PendingRegistrations(10, 32, now::get);
        String k = PendingRegistrations.key("call-1", 2);
        assertTrue(p.put(k, entry()));
        assertNotNull(p.take(k));
        assertNull(p.take(k));
    }

    @Test
    public void entriesExpireAfterTheTtl() {
        PendingRegistrations p = new PendingRegistrations(10, 32, now::get);
        p.put("a 1", entry());
        now.addAndGet(32_001);
        assertNull(p.take("a 1"));
        p.put("b 1", entry());
        now.addAndGet(10_000);
        p.put("c 1", entry());
        now.addAndGet(23_000);
        assertEquals("b expired, c still waiting", 1, p.size());
        assertNotNull(p.take("c 1"));
    }

    @Test
    public void boundedUntilOldEntriesExpire() {
        PendingRegistrations p = new PendingRegistrations(10, 32, now::get);
        for (int i = 0; i < 10; i++) assertTrue(p.put("k " + i, entry()));
        assertFalse("full", p.put("k 10", entry()));
        assertTrue("same key replaces", p.put("k 3", entry()));
        now.addAndGet(33_000);
        assertTrue("expired entries make room", p.put("k 11", entry()));
        assertEquals(1, p.size());
    }
}
