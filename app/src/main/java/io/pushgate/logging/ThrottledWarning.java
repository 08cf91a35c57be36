package io.pushgate.logging;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/** A warning said at most once a minute: a condition that lasts (a database down, a full table) must not flood the log. */
public final class ThrottledWarning {
    private static final long EVERY_MS = 60_000;

    private final Logger log;
    private final LongSupplier clock;
    private final AtomicLong lastSaid = new AtomicLong(Long.MIN_VALUE / 2);

    public ThrottledWarning(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    public void warn(String message) {
        long now = clock.getAsLong(), last = lastSaid.get();
        if (now - last >= EVERY_MS && lastSaid.compareAndSet(last, now)) log.warn(message);
    }
}
