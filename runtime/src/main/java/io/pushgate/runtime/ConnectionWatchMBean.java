package io.pushgate.runtime;

/** The management view of {@link ConnectionWatch}. */
public interface ConnectionWatchMBean {
    /** Connections closed since start. */
    long getClosedConnections();
}
