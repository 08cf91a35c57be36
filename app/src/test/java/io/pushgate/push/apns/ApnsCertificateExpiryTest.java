package io.pushgate.push.apns;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** An APNs certificate that expires within the warning horizon is named; a token key never is. */
public class ApnsCertificateExpiryTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(out, 0, p.waitFor());
    }

    @Test
    public void aCertificateExpiringSoonIsNamed() throws Exception {
        Path dir = tmp.newFolder().toPath();
        keytool(dir, "-genkeypair", "-alias", "apns", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=org.example.soon",
                "-validity", "10", "-storetype", "PKCS12", "-keystore", "soon.p12", "-storepass", "secret1", "-keypass", "secret1");
        keytool(dir, "-genkeypair", "-alias", "apns", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=org.example.later",
                "-validity", "365", "-storetype", "PKCS12", "-keystore", "later.p12", "-storepass", "secret1", "-keypass", "secret1");
        Files.writeString(dir.resolve("org.example.soon.properties"), "auth = certificate\ncertificate-file = soon.p12\npassword = secret1\n");
        Files.writeString(dir.resolve("org.example.later.properties"), "auth = certificate\ncertificate-file = later.p12\npassword = secret1\n");
        Config config = Config.parse("[push-apns]\ndir = " + dir + "\n", List.of(ApnsSettings.SECTION));
        List<String> soon = new ApnsProvider().expiringBefore(config, Instant.now().plus(Duration.ofDays(30)));
        assertEquals(soon.toString(), 1, soon.size());
        assertTrue(soon.get(0), soon.get(0).contains("org.example.soon") && soon.get(0).contains("soon.p12"));
    }
}
