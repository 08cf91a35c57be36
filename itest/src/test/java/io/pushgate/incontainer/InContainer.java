package io.pushgate.incontainer;

import io.pushgate.auth.AuthSettings;
import io.pushgate.routing.AliasTable;
import io.pushgate.server.Modules;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.itest.TestDirs;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * What every in-container test class shares: the archive `mvn package` builds, deployed by
 * Arquillian into the embedded MSS Tomcat 7 container in this JVM on 127.0.0.1:{@link #PORT}, and
 * the configuration and accounts it starts with. The application reads its configuration when its
 * servlet starts, so each class writes its own in a static block, before its deployment.
 */
final class InContainer {
    static final int PORT = 15070;
    private static final Path ROOT = Path.of(System.getProperty("pushgate.root", "..")).toAbsolutePath().normalize();

    private InContainer() {}

    /** Writes the configuration (a fresh H2 database plus {@code ini}), adds the users (password "pw-" + name) and aliases. */
    static void configure(String ini, String[] users, Map<String, String> aliases) {
        configure(ini, users, aliases, db -> { });
    }

    /** The same, then {@code rows} writes what else the test needs in the database (remote registrations). */
    static void configure(String ini, String[] users, Map<String, String> aliases, java.util.function.Consumer<Database> rows) {
        try {
            Path dir = TestDirs.create("pushgate-arq");
            String url = "jdbc:h2:file:" + dir.resolve("db") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
            Path config = dir.resolve("pushgate.ini");
            Files.writeString(config, "[database]\nurl = " + url + "\n\n" + ini);
            System.setProperty(Modules.CONFIG_PROPERTY, config.toString());
            try (Database db = new Database(new DatabaseSettings(url, "pushgate", "", 2, 2000, 10), Modules.entities())) {
                SubscriberDirectory subscribers = new SubscriberDirectory(db, "localhost", AuthSettings.PasswordStorage.HA1, System::currentTimeMillis);
                for (String u : users) subscribers.add(u, "pw-" + u);
                AliasTable table = new AliasTable(db, System::currentTimeMillis);
                aliases.forEach(table::put);
                rows.accept(db);
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static WebArchive archive() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(ROOT.resolve("app/target/pushgate.war").toString()));
    }

    /**
     * RFC 2617 / RFC 7616 qop=auth credentials for a user of the local realm, computed here by
     * hand rather than by the code under test. Kept here, not in a test class: calling a test class
     * would run its static block, and with it switch the configuration of the next deployment.
     */
    static String digest(String user, String password, String algorithm, String nonce, String method, String uri) throws Exception {
        String jca = algorithm.equals("MD5") ? "MD5" : "SHA-256";
        String ha1 = hex(jca, user + ":localhost:" + password);
        String ha2 = hex(jca, method + ":" + uri);
        return "Digest username=\"" + user + "\", realm=\"localhost\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\""
                + hex(jca, ha1 + ":" + nonce + ":00000001:abcdef:auth:" + ha2) + "\", algorithm=" + algorithm + ", qop=auth, nc=00000001, cnonce=\"abcdef\"";
    }

    private static String hex(String algorithm, String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(algorithm)
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A free UDP port on loopback, for a peer the configuration names before the peer exists. */
    static int freePort() {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }
}
