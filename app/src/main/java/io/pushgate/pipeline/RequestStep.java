package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * One single-purpose step of a role's pipeline (docs/pipeline.md). It sees both directions:
 * <ul>
 * <li>an initial request, in pipeline order: the step answers it (and stops there), proxies it,
 * or passes it on with {@code chain.proceed(exchange)}, exactly one of these;</li>
 * <li>a response to what the pipeline proxied or sent: every step, last step first;</li>
 * <li>a request inside a dialog or transaction the pipeline took part in (ACK, BYE, CANCEL,
 * NOTIFY, a refresh): the steps in order, until one takes it.</li>
 * </ul>
 */
public interface RequestStep {
    void handle(Exchange exchange, Chain chain) throws IOException, ServletException;

    /** A response to a request the pipeline proxied or sent; each step picks what is its own. */
    default void onResponse(SipServletResponse response) throws IOException {}

    /** A subsequent request; true when this step took it (answered it, or it is its own), so later steps do not see it. */
    default boolean onSubsequent(SipServletRequest request) throws IOException {
        return false;
    }

    /** How the step is named in the pipeline printed at start-up and in docs/pipeline.md. */
    default String name() {
        return getClass().getSimpleName();
    }

    interface Chain {
        void proceed(Exchange exchange) throws IOException, ServletException;
    }
}
