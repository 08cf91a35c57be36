package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * deploy/pushgate.service as systemd reads it, and the server's side of Type=notify: READY=1 once
 * it serves, then WATCHDOG=1 only while /health/ready answers 200 (a notify socket the test binds
 * stands in for systemd's).
 */
public class SystemdUnitTest {
    private static final Path ROOT = Path.of(System.getProperty("pushgate.root", "..")).toAbsolutePath().normalize();

    @Test
    public void theUnitFileIsValid() throws Exception {
        Path dir = TestDirs.create("systemd-it");
        // the unit names the installed tree; here that tree is the checkout
        Path unit = dir.resolve("pushgate.service");
        Files.writeString(unit, Files.readString(ROOT.resolve("deploy/pushgate.service")).replace("/opt/pushgate", ROOT.toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> ours = out.lines().filter(l -> l.contains("pushgate.service")).toList();
        assertEquals(out, 0, p.exitValue());
        assertEquals(out, List.of(), ours);
    }

    @Test
    public void systemdHearsReadyThenTheWatchdogWhileReady() throws Exception {
        try (PostgresServer pg = new PostgresServer();
             PushgateProcess server = new PushgateProcess("[database]\nurl = " + pg.jdbcUrl() + "\nuser = pushgate\n")) {
            Path socket = server.dir.resolve("notify.sock");
            Process listener = new ProcessBuilder("/usr/bin/python3", "-c", """
                    import socket, sys
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    s.bind(sys.argv[1])
                    print("bound", flush=True)
                    while True:
                        print(s.recv(4096).decode().replace("\\n", " "), flush=True)
                    """, socket.toString()).redirectErrorStream(true).start();
            try {
                List<String> heard = new CopyOnWriteArrayList<>();
                BufferedReader in = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("bound", in.readLine());
                Thread reader = new Thread(() -> in.lines().forEach(heard::add));
                reader.setDaemon(true);
                reader.start();
                server.environment.put("NOTIFY_SOCKET", socket.toString());
                server.environment.put("WATCHDOG_USEC", "1000000");
                server.start();
                await(heard, "READY=1", 0);
                int fed = await(heard, "WATCHDOG=1", 0);

                pg.stop();
                int notReady = await(heard, "STATUS=not ready", fed);
                Thread.sleep(2_000);
                assertTrue("no watchdog while the database is down: " + heard,
                        heard.subList(notReady, heard.size()).stream().noneMatch(l -> l.contains("WATCHDOG=1")));
                pg.start();
                await(heard, "WATCHDOG=1", heard.size());
            } finally {
                listener.destroy();
            }
        }
    }

    /** Index of the first message containing {@code text} at or after {@code from}, waiting up to 60 s. */
    private static int await(List<String> heard, String text, int from) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (int i = from; i < heard.size(); i++) if (heard.get(i).contains(text)) return i;
            Thread.sleep(100);
        }
        throw new AssertionError(text + " not heard after message " + from + ": " + heard);
    }
}
