package io.pushgate.sip;

import io.pushgate.pipeline.RequestPipeline;
import java.io.IOException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * One way of running Pushgate (registrar/proxy, push gateway, push application server): the
 * pipeline of its initial requests, and what it does with the rest of the traffic.
 */
interface Role extends AutoCloseable {
    RequestPipeline pipeline();

    /** A request inside a dialog or transaction; true when the role answered it itself. */
    default boolean onSubsequent(SipServletRequest req) throws IOException {
        return false;
    }

    /** A response to something proxied or sent by the role. */
    default void onResponse(SipServletResponse resp) throws IOException {}

    /** Periodic clean-up of what the role stores. */
    default void purge() {}

    @Override
    default void close() {}
}
