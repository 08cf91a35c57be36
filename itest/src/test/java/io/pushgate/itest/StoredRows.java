package io.pushgate.itest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What a server stored, read beside it: the servers' H2 files (AUTO_SERVER) and PostgreSQL alike. */
final class StoredRows {
    private StoredRows() {}

    /** The single number a {@code select count(*) ...} gives, as the pushgate user. */
    static long count(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "pushgate", "");
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
