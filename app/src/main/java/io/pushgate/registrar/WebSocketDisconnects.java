package io.pushgate.registrar;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a WebSocket client's bindings when its connection closes: such a contact (RFC 7118, often
 * an ".invalid" host) is reachable only over the connection it registered on. The container
 * reports closed connections as JMX notifications (see the runtime's ConnectionWatch); where it
 * does not, bindings end by expiry or unregistration only.
 */
public final class WebSocketDisconnects implements NotificationListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSocketDisconnects.class);
    static final String SOURCE = "io.pushgate:type=SipConnections";
    static final String CLOSED = "pushgate.sip.connection.closed";

    private final BindingStore bindings;
    private final Executor executor;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private ObjectName source;

    public WebSocketDisconnects(BindingStore bindings, Executor executor) {
        this.bindings = bindings;
        this.executor = executor;
    }

    /** Starts listening; false when the container does not report closed connections. */
    public boolean start() {
        try {
            ObjectName name = new ObjectName(SOURCE);
            server.addNotificationListener(name, this, n -> CLOSED.equals(n.getType()), null);
            source = name;
            return true;
        } catch (InstanceNotFoundException e) {
            log.info("the container does not report closed connections; WebSocket bindings end by expiry only");
            return false;
        } catch (JMException e) {
            throw new IllegalStateException("cannot watch SIP connections: " + e.getMessage(), e);
        }
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!(n.getUserData() instanceof Map<?, ?> peer)) return;
        String transport = String.valueOf(peer.get("transport")).toLowerCase();
        if (!transport.startsWith("ws")) return;
        String host = String.valueOf(peer.get("host"));
        String from = transport + ":" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.get("port");
        // told on the stack's network thread: the database write happens elsewhere
        executor.execute(() -> {
            try {
                int removed = bindings.dropSource(from);
                if (removed > 0) log.info("connection {} closed: {} binding(s) removed", from, removed);
            } catch (RuntimeException e) {
                log.warn("bindings of closed connection {} not removed now ({}); they end by expiry", from, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        if (source == null) return;
        try {
            server.removeNotificationListener(source, this);
        } catch (JMException e) {
            // the container is going away with its broadcaster
        }
    }
}
