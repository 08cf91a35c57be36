package io.pushgate.runtime;

import java.util.Map;

/**
 * What the container and its stack count, for the application's metrics (read over JMX: the
 * application cannot see the container's classes) and the container console.
 */
public interface SipTrafficMBean {
    /** Requests the container handed to applications, by method. */
    Map<String, Long> getRequestsReceived();

    /** Responses received from peers, by status code. */
    Map<String, Long> getResponsesReceived();

    /** Requests sent by applications and proxies, by method. */
    Map<String, Long> getRequestsSent();

    /** Responses sent by applications and proxies, by status code. */
    Map<String, Long> getResponsesSent();

    /** Requests that arrived again for a transaction the stack already had (the peer did not hear us in time). */
    long getRetransmissionsReceived();

    /** UDP datagrams dropped unanswered for overload: requests that waited too long for a SIP thread, or a full queue. */
    long getOverloadDropped();

    /** Requests dropped because their source sent faster than [flood] allows. */
    long getFloodDropped();

    /** Source addresses blocked by [flood] now. */
    int getFloodBlockedSources();

    int getServerTransactions();

    int getClientTransactions();
}
