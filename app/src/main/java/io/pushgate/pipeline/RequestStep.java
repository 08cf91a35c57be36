package io.pushgate.pipeline;

import java.io.IOException;
import javax.servlet.ServletException;

/**
 * One single-purpose step of the request pipeline. A step either answers the request (and stops
 * there), proxies it, or passes it on with {@code chain.proceed(exchange)}.
 */
@FunctionalInterface
public interface RequestStep {
    void handle(Exchange exchange, Chain chain) throws IOException, ServletException;

    interface Chain {
        void proceed(Exchange exchange) throws IOException, ServletException;
    }
}
