package io.pushgate.incontainer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.config.AppSchema;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.cafesip.sipunit.SipPhone;
import org.cafesip.sipunit.SipStack;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit.Arquillian;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * The Pushgate archive deployed by Arquillian into the embedded MSS Tomcat 7 container (in this
 * JVM), driven by SipUnit: registrar and proxy decisions as the container delivers them.
 */
@RunWith(Arquillian.class)
public class InContainerRegistrarTest {
    private static final int CONTAINER_PORT = 15070;
    private static final Path ROOT = Path.of(System.getProperty("pushgate.root", "..")).toAbsolutePath().normalize();

    static {
        try {
            // The application reads its configuration when the servlet starts, so it must exist before deployment.
            Path dir = Files.createTempDirectory("pushgate-arq");
            String url = "jdbc:h2:file:" + dir.resolve("db") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
            Path config = dir.resolve("pushgate.ini");
            Files.writeString(config, "[database]\nurl = " + url + "\n");
            System.setProperty(AppSchema.CONFIG_PROPERTY, config.toString());
            try (Database db = new Database(new DatabaseSettings(url, "pushgate", "", 2, 2000, 10))) {
                SubscriberDirectory subscribers = new SubscriberDirectory(db, "localhost", AuthSettings.PasswordStorage.HA1, System::currentTimeMillis);
                for (String u : new String[] {"alice", "bob", "carol"}) subscribers.add(u, "pw-" + u);
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Deployment(testable = false)
    public static WebArchive pushgate() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(ROOT.resolve("app/target/pushgate.war").toString()));
    }

    private SipStack stack;
    private SipPhone phone;

    @Before
    public void phone() throws Exception {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "it-phone-" + System.nanoTime());
        p.setProperty("javax.sip.IP_ADDRESS", "127.0.0.1");
        stack = new SipStack(SipStack.PROTOCOL_UDP, freePort(), p);
    }

    @After
    public void close() {
        if (phone != null) phone.dispose();
        stack.dispose();
    }

    private SipPhone as(String user) throws Exception {
        phone = stack.createSipPhone("127.0.0.1", SipStack.PROTOCOL_UDP, CONTAINER_PORT, "sip:" + user + "@127.0.0.1");
        return phone;
    }

    @Test
    public void registerWithTheRightPasswordIsAccepted() throws Exception {
        SipPhone p = as("alice");
        assertTrue(p.format(), p.register("alice", "pw-alice", null, 600, 5000));
    }

    @Test
    public void tooShortRegistrationGets423() throws Exception {
        SipPhone p = as("bob");
        assertFalse(p.register("bob", "pw-bob", null, 10, 5000));
        assertEquals(423, p.getReturnCode());
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
