package io.pushgate.runtime;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.timers.ScheduledExecutorSipTimer;
import java.util.Properties;

/**
 * The SIP stack's timers on a scheduled executor, with a working {@link #isStarted()}.
 *
 * jain-sip's own executor timer answers isStarted() with "has the executor terminated", so while
 * it runs the stack believes it has no timer and schedules none: no transaction ever reaches
 * Timer J and each one stays in the transaction table for good (a leak of every request, found
 * with a heap dump under bench/register-auth.py). The default java.util.Timer works but makes
 * every transaction take its one lock.
 */
public final class ExecutorSipTimer extends ScheduledExecutorSipTimer {
    private volatile boolean running;

    @Override
    public void start(SipStackImpl stack, Properties properties) {
        super.start(stack, properties);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        super.stop();
    }

    @Override
    public boolean isStarted() {
        return running;
    }
}
