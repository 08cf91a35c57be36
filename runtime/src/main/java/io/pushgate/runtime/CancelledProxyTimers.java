package io.pushgate.runtime;

import java.util.List;
import java.util.Timer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.log4j.Logger;
import org.mobicents.servlet.sip.core.SipContext;

/**
 * Takes cancelled proxy branch timers out of the container's timer queue every second.
 *
 * A proxy branch that gets its final response cancels its timer task but leaves it queued, and
 * the container purges the queue only every 100 cancels made through its service (never, for
 * branch timers) or once a minute at best. Each queued task holds its branch, the request and
 * the sessions for the whole branch timeout (30 s by default): a gateway relaying 750
 * REGISTER/s kept 46,000 finished proxies alive and spent its time copying them in the collector.
 */
final class CancelledProxyTimers implements AutoCloseable {
    private static final Logger log = Logger.getLogger(CancelledProxyTimers.class);

    private final Supplier<List<? extends SipContext>> contexts;
    private final ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pushgate-proxy-timer-purge");
        t.setDaemon(true);
        return t;
    });

    /** contexts: the applications deployed at the moment (the Manager deploys and undeploys them). */
    CancelledProxyTimers(Supplier<List<? extends SipContext>> contexts) {
        this.contexts = contexts;
        purger.scheduleWithFixedDelay(this::purge, 1, 1, TimeUnit.SECONDS);
    }

    /** Purges every application's proxy timer queue now; returns how many tasks it removed from java.util.Timer queues. */
    int purge() {
        int removed = 0;
        for (SipContext c : contexts.get()) {
            try {
                Object timers = c.getProxyTimerService();
                if (timers instanceof Timer t) removed += t.purge();
                else if (timers instanceof ScheduledThreadPoolExecutor e) e.purge();
            } catch (RuntimeException e) {
                log.warn("purging the proxy timers of " + c.getApplicationName() + " failed: " + e);
            }
        }
        return removed;
    }

    @Override
    public void close() {
        purger.shutdownNow();
    }
}
