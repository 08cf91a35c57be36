package io.pushgate.runtime;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.ObjectName;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.restcomm.commons.statistics.reporter.RestcommStatsReporter;

/**
 * The container's message counts ({@code SipApplicationDispatcherImpl} statistics) and the
 * stack's transaction tables, published as the MBean {@value #NAME}. The container's statistics
 * come with a reporter that would send them to the vendor's server once a day: it is stopped
 * before counting is turned on, so nothing leaves the machine.
 */
public final class SipTraffic implements SipTrafficMBean {
    public static final String NAME = "io.pushgate:type=SipTraffic";
    static final AtomicLong RETRANSMISSIONS = new AtomicLong();
    static final AtomicLong OVERLOAD_DROPPED = new AtomicLong();

    private final SipApplicationDispatcherImpl dispatcher;
    private final SIPTransactionStack stack;

    private SipTraffic(SipApplicationDispatcherImpl dispatcher, SIPTransactionStack stack) {
        this.dispatcher = dispatcher;
        this.stack = stack;
    }

    static void publish(SipApplicationDispatcherImpl dispatcher, SIPTransactionStack stack) throws JMException {
        RestcommStatsReporter.getRestcommStatsReporter().stop();
        dispatcher.setGatherStatistics(true);
        ObjectName name = new ObjectName(NAME);
        var server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) server.unregisterMBean(name);
        server.registerMBean(new SipTraffic(dispatcher, stack), name);
    }

    private static Map<String, Long> copy(Map<String, AtomicLong> counts) {
        Map<String, Long> m = new HashMap<>();
        counts.forEach((k, v) -> {
            if (v.get() > 0) m.put(k, v.get());
        });
        return m;
    }

    @Override
    public Map<String, Long> getRequestsReceived() { return copy(dispatcher.getRequestsProcessedByMethod()); }

    @Override
    public Map<String, Long> getResponsesReceived() { return copy(dispatcher.getResponsesProcessedByStatusCode()); }

    @Override
    public Map<String, Long> getRequestsSent() { return copy(dispatcher.getRequestsSentByMethod()); }

    @Override
    public Map<String, Long> getResponsesSent() { return copy(dispatcher.getResponsesSentByStatusCode()); }

    @Override
    public long getRetransmissionsReceived() { return RETRANSMISSIONS.get(); }

    @Override
    public long getOverloadDropped() { return OVERLOAD_DROPPED.get(); }

    @Override
    public long getFloodDropped() { return FloodValve.limit() == null ? 0 : FloodValve.limit().dropped(); }

    @Override
    public int getFloodBlockedSources() { return FloodValve.limit() == null ? 0 : FloodValve.limit().blockedSources(); }

    @Override
    public int getServerTransactions() { return stack == null ? 0 : stack.getServerTransactionTableSize(); }

    @Override
    public int getClientTransactions() { return stack == null ? 0 : stack.getClientTransactionTableSize(); }
}
