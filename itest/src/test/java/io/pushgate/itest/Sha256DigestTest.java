package io.pushgate.itest;

import static org.junit.Assert.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.Test;

/** RFC 8760's SHA-256 digest answered by a real client (linphonec), on a server that accepts no other algorithm. */
public class Sha256DigestTest {

    @Test
    public void linphoneRegistersWithSha256Only() throws Exception {
        try (PushgateProcess server = new PushgateProcess("[auth]\nchallenge-algorithms = SHA-256\nalgorithms = SHA-256\n")) {
            assertEquals(0, server.addSubscriber("lena", "pw-lena-256").exit());
            server.start();
            try (Linphone phone = Linphone.registering(server.dir, "lena", "pw-lena-256", "localhost", server.uri())) {
                Await.until("lena's binding is stored", 30, () -> bindings(server, "sip:lena@localhost") == 1);
            }
        }
    }

    private static long bindings(PushgateProcess server, String aor) {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "pushgate", "");
             PreparedStatement q = c.prepareStatement("select count(*) from binding where aor = ?")) {
            q.setString(1, aor);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
