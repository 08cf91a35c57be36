package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class LauncherTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Launcher.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    public void defaultConfigListsEverySectionAsDocumented() throws Exception {
        assertEquals(0, run("default-config"));
        for (String s : new String[] {"[server]", "[domain]", "[database]", "[auth]", "[registrar]", "[router]"}) {
            assertTrue(s, out.toString().contains(s));
        }
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        String block = doc.substring(doc.indexOf("```ini\n") + 7, doc.indexOf("```\n", doc.indexOf("```ini\n") + 7));
        assertEquals("docs/configuration.md is bin/pushgate default-config", out.toString(), block);
    }

    @Test
    public void checkConfigNamesTheRoleAndWarnsOfDeprecatedKeys() throws Exception {
        Path f = Files.createTempFile(tmp.getRoot().toPath(), "old", ".ini");
        Files.writeString(f, "[gateway]\nenabled = true\n");
        assertEquals(0, run("check-config", "--config", f.toString()));
        assertEquals("configuration is valid (role gateway)", out.toString().strip());
        assertTrue(err.toString(), err.toString().contains("warning: gateway.enabled is deprecated: write [server] role = gateway instead"));
    }

    @Test
    public void badConfigurationStopsStartUpWithStatus2NamingTheKey() throws Exception {
        Path f = Files.createTempFile(tmp.getRoot().toPath(), "bad", ".ini");
        Files.writeString(f, "[server]\nudp-port = 70000\n");
        assertEquals(2, run("run", "--config", f.toString()));
        assertTrue(err.toString(), err.toString().contains("server.udp-port") && err.toString().contains("between 0 and 65535"));
    }

    @Test
    public void tlsWithoutCertificateIsRefused() throws Exception {
        Path f = Files.createTempFile(tmp.getRoot().toPath(), "tls", ".ini");
        Files.writeString(f, "[server]\ntls-port = 5061\n");
        assertEquals(2, run("check-config", "--config", f.toString()));
        assertTrue(err.toString(), err.toString().contains("server.tls-certificate"));
    }

    @Test
    public void unknownCommandAndMissingFileAreUsageErrors() {
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("run", "--config", "/nonexistent/pushgate.ini"));
        assertTrue(err.toString(), err.toString().contains("cannot read /nonexistent/pushgate.ini"));
    }

    /** bin/pushgate asks for the collector before it starts the server's JVM. */
    @Test
    public void theCollectorFollowsTheRoleUnlessTheConfigurationNamesOne() throws Exception {
        assertEquals(0, run("jvm-options"));
        assertEquals("-XX:+UseG1GC", out.toString().strip());
        assertEquals("-XX:+UseZGC", optionsFor("[push-server]\nserve = true\nproxy = 127.0.0.1:5060\n"));
        assertEquals("-XX:+UseG1GC", optionsFor("[server]\ncollector = G1\n[push-server]\nserve = true\n"));
        assertEquals("-XX:+UseZGC", optionsFor("[server]\ncollector = zgc\n"));
        assertEquals("a pause goal comes with the young floor that lets G1 meet it",
                "-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=1",
                optionsFor("[server]\npause-goal-ms = 20\n"));
        assertEquals("ZGC takes no G1 goal", "-XX:+UseZGC", optionsFor("[server]\ncollector = zgc\npause-goal-ms = 20\n"));
        Path f = Files.createTempFile(tmp.getRoot().toPath(), "gc", ".ini");
        Files.writeString(f, "[server]\ncollector = shenandoah\n");
        assertEquals(2, run("jvm-options", "--config", f.toString()));
        assertTrue(err.toString(), err.toString().contains("server.collector"));
    }

    private String optionsFor(String ini) throws Exception {
        Path f = Files.createTempFile(tmp.getRoot().toPath(), "gc", ".ini");
        Files.writeString(f, ini);
        out.reset();
        assertEquals(err.toString(), 0, run("jvm-options", "run", "--config", f.toString()));
        return out.toString().strip();
    }
}
