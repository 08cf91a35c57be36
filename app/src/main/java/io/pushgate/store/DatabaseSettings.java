package io.pushgate.store;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [database] section: where bindings, subscribers and aliases are kept. */
public record DatabaseSettings(String url, String user, String password, int poolSize, int connectTimeoutMs, int retryAfterSeconds,
                               int commitWindowMicros) {
    public static final ConfigSection SECTION = new ConfigSection("database",
            "Persistent store for subscribers, aliases and bindings (H2 file by default, PostgreSQL for production).");
    static final ConfigKey<String> URL = SECTION.string("url", "jdbc:h2:file:./data/pushgate;AUTO_SERVER=TRUE;WRITE_DELAY=0;CACHE_SIZE=1024",
            "JDBC URL: jdbc:h2:file:... (embedded; WRITE_DELAY=0 so a commit survives kill -9; CACHE_SIZE in KB, small because H2's cache is in the heap, docs/tuning.md) or jdbc:postgresql://host:port/db.");
    static final ConfigKey<String> USER = SECTION.string("user", "pushgate", "Database user.");
    static final ConfigKey<String> PASSWORD = SECTION.string("password", "", "Database password.");
    static final ConfigKey<Integer> POOL_SIZE = SECTION.integer("pool-size", 8, 1, 256, "Connections kept in the pool.");
    static final ConfigKey<Integer> CONNECT_TIMEOUT = SECTION.integer("connect-timeout-ms", 2000, 250, 60000,
            "How long a request waits for a connection before it is answered 503.");
    static final ConfigKey<Integer> RETRY_AFTER = SECTION.integer("retry-after", 10, 1, 3600,
            "Retry-After seconds sent with 503 while the database is unreachable.");
    static final ConfigKey<Integer> COMMIT_WINDOW = SECTION.integer("commit-window-us", 0, 0, 100_000,
            "Microseconds the binding writer waits after a first change for more, so that they share one commit (each REGISTER's 200 waits for it); 0: commit what is waiting at once (docs/tuning.md).");

    /** Without a commit window. */
    public DatabaseSettings(String url, String user, String password, int poolSize, int connectTimeoutMs, int retryAfterSeconds) {
        this(url, user, password, poolSize, connectTimeoutMs, retryAfterSeconds, 0);
    }

    /** Whether several servers may share this database (PostgreSQL; an H2 file belongs to one). */
    public boolean shared() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** A connection of its own, outside the pool: for a session that must stay (LISTEN, an advisory lock). */
    java.sql.Connection connectOwn() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(url, user, password);
    }

    public static DatabaseSettings from(Config c) {
        return new DatabaseSettings(c.get(URL), c.get(USER), c.get(PASSWORD), c.get(POOL_SIZE), c.get(CONNECT_TIMEOUT), c.get(RETRY_AFTER), c.get(COMMIT_WINDOW));
    }
}
