package io.pushgate.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What the container counts, read at each scrape from the launcher's SipTraffic MBean: messages
 * in and out by method or status class, retransmitted requests, transactions in progress. Nothing
 * is registered without the MBean (the application in a container that is not ours).
 */
final class SipTrafficMetrics {
    static final String MBEAN = "io.pushgate:type=SipTraffic";

    private SipTrafficMetrics() {}

    static void register(PrometheusRegistry registry) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try {
            name = new ObjectName(MBEAN);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        if (!server.isRegistered(name)) return;
        byLabel(registry, server, name, "RequestsReceived", "pushgate_sip_requests_received", "method", SipLabels::method,
                "SIP requests the container handed to Pushgate, by method.");
        byLabel(registry, server, name, "RequestsSent", "pushgate_sip_requests_sent", "method", SipLabels::method,
                "SIP requests Pushgate sent or relayed, by method.");
        byLabel(registry, server, name, "ResponsesReceived", "pushgate_sip_responses_received", "class", SipLabels::statusClass,
                "SIP responses received from peers, by status class.");
        byLabel(registry, server, name, "ResponsesSent", "pushgate_sip_responses_sent", "class", SipLabels::statusClass,
                "SIP responses Pushgate sent or relayed, by status class.");
        CounterWithCallback.builder().name("pushgate_sip_retransmissions_received")
                .help("Requests that arrived again for a transaction already under way (the peer did not hear an answer in time).")
                .callback(cb -> cb.call(number(server, name, "RetransmissionsReceived"))).register(registry);
        CounterWithCallback.builder().name("pushgate_sip_overload_dropped")
                .help("UDP requests dropped unanswered for overload: they waited over [server] sip-queue-wait-ms for a SIP thread (or the queue was full).")
                .callback(cb -> cb.call(number(server, name, "OverloadDropped"))).register(registry);
        CounterWithCallback.builder().name("pushgate_flood_dropped")
                .help("Requests dropped unanswered because their source sent faster than [flood] allows.")
                .callback(cb -> cb.call(number(server, name, "FloodDropped"))).register(registry);
        GaugeWithCallback.builder().name("pushgate_flood_blocked_sources").help("Source addresses [flood] ignores now.")
                .callback(cb -> cb.call(number(server, name, "FloodBlockedSources"))).register(registry);
        GaugeWithCallback.builder().name("pushgate_sip_transactions").help("SIP transactions in progress in the stack.").labelNames("side")
                .callback(cb -> {
                    cb.call(number(server, name, "ServerTransactions"), "server");
                    cb.call(number(server, name, "ClientTransactions"), "client");
                }).register(registry);
    }

    private static void byLabel(PrometheusRegistry registry, MBeanServer server, ObjectName name, String attribute, String metric,
                                String label, Function<String, String> bound, String help) {
        CounterWithCallback.builder().name(metric).help(help).labelNames(label).callback(cb -> {
            Map<String, Double> sums = new TreeMap<>();
            if (attribute(server, name, attribute) instanceof Map<?, ?> counts) {
                counts.forEach((k, v) -> sums.merge(bound.apply(String.valueOf(k)), ((Number) v).doubleValue(), Double::sum));
            }
            sums.forEach((value, sum) -> cb.call(sum, value));
        }).register(registry);
    }

    private static double number(MBeanServer server, ObjectName name, String attribute) {
        return attribute(server, name, attribute) instanceof Number n ? n.doubleValue() : 0;
    }

    private static Object attribute(MBeanServer server, ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException e) {
            return null;
        }
    }
}
