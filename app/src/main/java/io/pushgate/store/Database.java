package io.pushgate.store;

import java.util.List;
import java.util.function.Function;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.Configuration;
import jakarta.persistence.PersistenceException;

/**
 * Hibernate over a pooled JDBC connection; every use goes through {@link #inTransaction}. The
 * tables are the store's own settings plus the entity classes the server hands over (server/Modules).
 */
public final class Database implements AutoCloseable {
    private final SessionFactory sessions;
    private final DatabaseSettings settings;

    public Database(DatabaseSettings settings, List<Class<?>> entities) {
        this.settings = settings;
        Configuration cfg = new Configuration().addAnnotatedClass(StoredSetting.class);
        for (Class<?> entity : entities) cfg.addAnnotatedClass(entity);
        cfg.setProperty("hibernate.connection.provider_class", "org.hibernate.hikaricp.internal.HikariCPConnectionProvider");
        cfg.setProperty("hibernate.hikari.jdbcUrl", settings.url());
        // Named explicitly: inside a web application class loader DriverManager may not see the driver.
        String driver = driverClass(settings.url());
        if (driver != null) cfg.setProperty("hibernate.hikari.driverClassName", driver);
        cfg.setProperty("hibernate.hikari.username", settings.user());
        cfg.setProperty("hibernate.hikari.password", settings.password());
        cfg.setProperty("hibernate.hikari.maximumPoolSize", Integer.toString(settings.poolSize()));
        cfg.setProperty("hibernate.hikari.connectionTimeout", Integer.toString(settings.connectTimeoutMs()));
        cfg.setProperty("hibernate.hikari.poolName", "pushgate-db");
        cfg.setProperty("hibernate.hbm2ddl.auto", "update");
        // In the container the launcher's copy of Hibernate is visible too; load services from ours only.
        cfg.setProperty("hibernate.classLoader.tccl_lookup_precedence", "never");
        cfg.setProperty("hibernate.jdbc.batch_size", "50");
        cfg.setProperty("hibernate.show_sql", "false");
        try {
            this.sessions = cfg.buildSessionFactory();
        } catch (HibernateException e) {
            throw new StoreUnavailableException("cannot open database " + settings.url() + ": " + rootMessage(e), e);
        }
    }

    public DatabaseSettings settings() { return settings; }

    static String driverClass(String url) {
        if (url.startsWith("jdbc:h2:")) return "org.h2.Driver";
        if (url.startsWith("jdbc:postgresql:")) return "org.postgresql.Driver";
        return null;
    }

    /** Runs work in one transaction; any database failure surfaces as StoreUnavailableException. */
    public <T> T inTransaction(Function<Session, T> work) {
        try {
            return sessions.fromTransaction(work);
        } catch (PersistenceException e) {
            throw unavailableOrAsIs(e);
        }
    }

    private static RuntimeException unavailableOrAsIs(PersistenceException e) {
        return isConnectivity(e) ? new StoreUnavailableException("database unreachable: " + rootMessage(e), e) : e;
    }

    /** Connection failures (SQLState class 08, admin shutdown 57P, pool timeouts) as opposed to data errors. */
    static boolean isConnectivity(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) return true;
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) return true;
        }
        return false;
    }

    /** Like {@link #inTransaction} without a persistence context: plain inserts, updates and deletes. */
    public <T> T inStatelessTransaction(Function<StatelessSession, T> work) {
        try {
            return sessions.fromStatelessTransaction(work);
        } catch (PersistenceException e) {
            throw unavailableOrAsIs(e);
        }
    }

    /** Closes a connection of its own (outside the pool) that may already be broken. */
    static void closeQuietly(java.sql.Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (java.sql.SQLException ignored) {
            // already broken: nothing to release
        }
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        sessions.close();
    }
}
