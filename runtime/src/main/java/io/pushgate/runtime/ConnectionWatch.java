package io.pushgate.runtime;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

/**
 * Tells the application when a SIP connection closes, as a JMX notification on the platform
 * server: the application cannot see the SIP stack's classes, and a WebSocket client's bindings
 * must end with its connection (RFC 7118). The notification's user data is a map with
 * "transport", "host" and "port" of the peer.
 */
public final class ConnectionWatch extends NotificationBroadcasterSupport implements ConnectionWatchMBean {
    public static final String NAME = "io.pushgate:type=SipConnections";
    public static final String CLOSED = "pushgate.sip.connection.closed";

    private static final ConnectionWatch INSTANCE = new ConnectionWatch();
    private final AtomicLong sequence = new AtomicLong();

    private ConnectionWatch() {}

    /** Registers the broadcaster once; called before the listeners open. */
    static void register() throws JMException {
        ObjectName name = new ObjectName(NAME);
        var server = ManagementFactory.getPlatformMBeanServer();
        if (!server.isRegistered(name)) server.registerMBean(INSTANCE, name);
    }

    static void closed(String transport, String host, int port) {
        Notification n = new Notification(CLOSED, NAME, INSTANCE.sequence.incrementAndGet(), transport + " " + host + ":" + port);
        n.setUserData(Map.of("transport", transport, "host", host, "port", port));
        INSTANCE.sendNotification(n);
    }

    @Override
    public long getClosedConnections() {
        return sequence.get();
    }
}
