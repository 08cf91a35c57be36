package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import org.junit.Test;
import org.mobicents.servlet.sip.core.SipContext;
import org.mobicents.servlet.sip.core.timers.ProxyTimerService;

public class CancelledProxyTimersTest {

    /** The container's proxy timer service: a java.util.Timer, as in the embedded container. */
    private static final class BranchTimers extends Timer implements ProxyTimerService {
        BranchTimers() { super(true); }
        @Override public void cancel(TimerTask task) { task.cancel(); }
        @Override public boolean isStarted() { return true; }
        @Override public void schedule(TimerTask task, long delay) { super.schedule(task, delay); }
        @Override public void stop() { cancel(); }
        @Override public void start() {}
    }

    private static SipContext contextWith(ProxyTimerService timers) {
        return (SipContext) Proxy.newProxyInstance(SipContext.class.getClassLoader(), new Class<?>[] {SipContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProxyTimerService" -> timers;
                    case "getApplicationName" -> "pushgate";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static TimerTask branchTimer() {
        return new TimerTask() {
            @Override public void run() {}
        };
    }

    @Test
    public void aBranchTimerCancelledTheWayAProxyBranchDoesLeavesTheQueueAndALiveOneStays() throws Exception {
        BranchTimers timers = new BranchTimers();
        // keeps the timer's own thread busy: it also drops a cancelled task it finds at the head
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        timers.schedule(new TimerTask() {
            @Override public void run() {
                busy.countDown();
                try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
        }, 0);
        busy.await();
        TimerTask finished = branchTimer();
        TimerTask waiting = branchTimer();
        timers.schedule(finished, 30_000);
        timers.schedule(waiting, 30_000);
        finished.cancel(); // what a branch does on its final response: the task stays queued
        try (CancelledProxyTimers purge = new CancelledProxyTimers(() -> List.of(contextWith(timers)))) {
            assertEquals("the cancelled timer is removed", 1, purge.purge());
            assertEquals("nothing left to remove; the live timer stays", 0, purge.purge());
            waiting.cancel();
            assertEquals(1, purge.purge());
        } finally {
            release.countDown();
            timers.cancel();
        }
    }
}
