package io.pushgate.server;

import io.pushgate.pipeline.RequestPipeline;

/**
 * One assembled role: its pipeline (which sees initial requests, responses and subsequent
 * requests alike), its periodic clean-up and what it must close.
 */
interface Role extends AutoCloseable {
    RequestPipeline pipeline();

    /** Called once the application is deployed and can send (remote registrations start then). */
    default void start() {}

    /** The push devices the role remembers for sleeping phones, or null when it keeps none. */
    default io.pushgate.pushserver.PushDevices pushDevices() { return null; }

    /** The messages stored for sleeping devices (the gateway), or null. */
    default io.pushgate.gateway.MessageRelay messages() { return null; }

    /** Periodic clean-up of what the role stores. */
    default void purge() {}

    @Override
    default void close() {}
}
