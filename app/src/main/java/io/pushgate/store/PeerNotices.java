package io.pushgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.SharedSessionContract;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other servers on the same PostgreSQL database which keys of a topic changed
 * (LISTEN/NOTIFY), so that each server's copy in memory follows what another one wrote. A notice
 * is sent inside the writer's transaction: PostgreSQL delivers it at commit, never for a
 * rolled-back write. Each carries this server's id, so a server skips its own. When the listening
 * connection is lost, notices sent meanwhile are gone: once it is back, every subscriber is told
 * to reload everything. With H2 (one server per database file) there is no one to tell, and this
 * does nothing.
 */
public final class PeerNotices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNotices.class);
    /** PostgreSQL's payload limit is 8000 bytes; keys are split over several notices below it. */
    private static final int MAX_PAYLOAD = 7000;
    private static final long RETRY_MS = 1000;
    private static final String CHANNEL_PREFIX = "pushgate_";

    /** What a subscriber of a topic is told. */
    public interface Subscriber {
        /** Another server committed changes to these keys. */
        void changed(Set<String> keys);

        /** Notices may have been lost (the connection to the database was): reload everything. */
        void missed();
    }

    private final DatabaseSettings settings;
    private final boolean active;
    private final String self = UUID.randomUUID().toString();
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    /** Topics the current connection listens to. */
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private volatile boolean started;
    private final Thread listener;
    private volatile boolean running = true;
    private volatile Connection connection;

    public PeerNotices(DatabaseSettings settings) {
        this.settings = settings;
        this.active = settings.shared();
        this.listener = new Thread(this::listen, "pushgate-peer-notices");
        listener.setDaemon(true);
    }

    /** Whether other servers may share the database (PostgreSQL). */
    public boolean active() { return active; }

    /**
     * Subscribes to a topic. After {@link #start} this returns once the topic is listened to (at
     * most a few seconds), so that what the subscriber loads afterwards misses no change.
     */
    public void subscribe(String topic, Subscriber subscriber) {
        // the channel's name goes into LISTEN unquoted
        if (!topic.matches("[a-z_]+")) throw new IllegalArgumentException("topic must be lower-case letters and underscores: " + topic);
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(subscriber);
        if (!started) return;
        long until = System.currentTimeMillis() + 5000;
        while (!listening.contains(topic) && System.currentTimeMillis() < until && running) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!listening.contains(topic)) log.warn("not yet listening for other servers' changes to {}; they are read again once it is", topic);
    }

    /**
     * Starts listening. The first LISTEN is made before this returns, so a change committed by
     * another server after it is not missed: load what memory copies after calling this.
     */
    public void start() {
        if (!active) return;
        started = true;
        try {
            connect();
        } catch (SQLException e) {
            log.warn("cannot listen for other servers' changes yet: {}; retrying every {} ms", e.getMessage(), RETRY_MS);
        }
        listener.start();
    }

    /** Queues notices of changed keys in the session's transaction; they reach the others when it commits. */
    public void send(SharedSessionContract session, String topic, Collection<String> keys) {
        if (!active || keys.isEmpty()) return;
        List<String> payloads = payloads(keys);
        session.doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
                for (String p : payloads) {
                    ps.setString(1, channel(topic));
                    ps.setString(2, p);
                    ps.executeQuery().close();
                }
            }
        });
    }

    /** This server's id, then one key per line, each payload under the limit in UTF-8 bytes. */
    List<String> payloads(Collection<String> keys) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder(self);
        int bytes = self.length();
        for (String k : new HashSet<>(keys)) {
            int size = k.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
            if (bytes + size > MAX_PAYLOAD && bytes > self.length()) {
                out.add(b.toString());
                b = new StringBuilder(self);
                bytes = self.length();
            }
            b.append('\n').append(k);
            bytes += size;
        }
        if (bytes > self.length()) out.add(b.toString());
        return out;
    }

    private static String channel(String topic) {
        return CHANNEL_PREFIX + topic;
    }

    private void connect() throws SQLException {
        connection = settings.connectOwn();
        listenToNewTopics();
    }

    /** LISTENs to the topics subscribed since; only on the listening thread (or before it starts). */
    private void listenToNewTopics() throws SQLException {
        for (String topic : subscribers.keySet()) {
            if (listening.contains(topic)) continue;
            try (Statement st = connection.createStatement()) {
                st.execute("LISTEN " + channel(topic));
            }
            listening.add(topic);
        }
    }

    private void listen() {
        while (running) {
            try {
                if (connection == null) {
                    connect();
                    log.info("listening again for other servers' changes; reloading what they may have changed meanwhile");
                    subscribers.values().forEach(list -> list.forEach(PeerNotices::missed));
                }
                listenToNewTopics();
                PGNotification[] notices = connection.unwrap(PGConnection.class).getNotifications(100);
                if (notices != null) deliver(notices);
            } catch (SQLException e) {
                if (!running) return;
                if (connection != null) log.warn("lost the database connection that hears other servers' changes: {}", e.getMessage());
                closeConnection();
                sleep();
            }
        }
    }

    private void deliver(PGNotification[] notices) {
        Map<String, Set<String>> byTopic = new java.util.HashMap<>();
        for (PGNotification n : notices) {
            String[] lines = n.getParameter().split("\n");
            if (lines.length < 2 || lines[0].equals(self)) continue;
            Set<String> keys = byTopic.computeIfAbsent(n.getName().substring(CHANNEL_PREFIX.length()), t -> new HashSet<>());
            for (int i = 1; i < lines.length; i++) keys.add(lines[i]);
        }
        byTopic.forEach((topic, keys) -> {
            for (Subscriber s : subscribers.getOrDefault(topic, List.of())) {
                try {
                    s.changed(keys);
                } catch (RuntimeException e) {
                    // the keys stay stale until their next change or a reconnection; say so
                    log.warn("could not apply other servers' changes to {} ({} keys): {}", topic, keys.size(), Database.rootMessage(e));
                }
            }
        });
    }

    private static void missed(Subscriber s) {
        try {
            s.missed();
        } catch (RuntimeException e) {
            log.warn("could not reload after lost notices: {}", Database.rootMessage(e));
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        listening.clear();
        Database.closeQuietly(c);
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
        closeConnection();
    }
}
