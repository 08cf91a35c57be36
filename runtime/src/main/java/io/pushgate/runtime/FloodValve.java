package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import io.pushgate.flood.SourceRateLimit;
import org.apache.log4j.Logger;

/**
 * Drops, before the stack makes a transaction of them, the requests of a source address that
 * sends faster than [flood] allows: no answer, so a scanner learns nothing and costs nothing.
 * A source is logged once when it is blocked; the counts are in the SipTraffic MBean.
 */
final class FloodValve extends RequestValve {
    private static final Logger log = Logger.getLogger(FloodValve.class);
    private static volatile SourceRateLimit limit;

    /** Set by the launcher from [flood]; null or a rate of 0 lets everything through. */
    static void limitWith(SourceRateLimit l) {
        limit = l;
    }

    static SourceRateLimit limit() {
        return limit;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        SourceRateLimit l = limit;
        if (l == null) return true;
        String source = channel.getPeerPacketSourceAddress() != null ? channel.getPeerPacketSourceAddress().getHostAddress() : channel.getPeerAddress();
        return switch (l.check(source)) {
            case PASS -> true;
            case BLOCKED_NOW -> {
                log.warn("flood: " + source + " sent requests faster than [flood] rate; ignored for [flood] block-seconds");
                yield false;
            }
            case BLOCKED -> false;
        };
    }
}
