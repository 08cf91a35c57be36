package io.pushgate.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock one server at a time holds among the servers sharing a PostgreSQL database: an advisory
 * lock of a session of its own. When the holder dies its session ends and the lock is free for
 * another; when the holder loses its session it stops holding at once, so two servers never both
 * think they hold it for longer than one look. With H2 (one server per database file) this server
 * always holds it.
 */
public final class SessionLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionLock.class);

    private final DatabaseSettings settings;
    private final String name;
    private final long key;
    private final boolean shared;
    private Connection session;

    public SessionLock(DatabaseSettings settings, String name) {
        this.settings = settings;
        this.name = name;
        CRC32 crc = new CRC32();
        crc.update(("pushgate:" + name).getBytes(StandardCharsets.UTF_8));
        this.key = crc.getValue();
        this.shared = settings.shared();
    }

    /** Whether this server holds the lock now, taking it when it is free. Call from one thread. */
    public synchronized boolean held() {
        if (!shared) return true;
        try {
            if (session != null) {
                try (PreparedStatement ps = session.prepareStatement("select 1")) {
                    ps.executeQuery().close();
                }
                return true;
            }
            Connection c = settings.connectOwn();
            try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet r = ps.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        session = c;
                        log.info("this server now holds {}", name);
                        return true;
                    }
                }
            }
            Database.closeQuietly(c);
            return false;
        } catch (SQLException e) {
            if (session != null) log.warn("lost {} with the database session that held it: {}", name, e.getMessage());
            release();
            return false;
        }
    }

    private void release() {
        Connection c = session;
        session = null;
        Database.closeQuietly(c); // the lock goes with the session
    }

    @Override
    public synchronized void close() {
        release();
    }
}
