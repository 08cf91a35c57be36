package io.pushgate.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Kamailio (Debian package kamailio) as the backend registrar, with test config backend.cfg. */
public final class Kamailio implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final int port;

    private Kamailio(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts it on a free loopback port; {@code path} stores Path headers and routes along them. */
    public static Kamailio start(Path workDir, boolean path) throws Exception {
        int port = PushgateProcess.freePort();
        Path dir = Files.createTempDirectory(workDir, "kamailio");
        Path cfg = dir.resolve("backend.cfg");
        try (var in = Kamailio.class.getResourceAsStream("/kamailio/backend.cfg")) {
            Files.write(cfg, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of("kamailio", "-f", cfg.toString(), "-l", "udp:127.0.0.1:" + port,
                "-DD", "-E", "-w", dir.toString(), "-Y", dir.toString()));
        if (path) cmd.addAll(List.of("-A", "WITH_PATH"));
        Path log = dir.resolve("kamailio.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Kamailio k = new Kamailio(p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException("kamailio exited " + p.exitValue() + ":\n" + k.log());
            // Listening once the SIP workers are up.
            if (k.log().contains("SO_RCVBUF is finally")) break;
            Thread.sleep(100);
        }
        Thread.sleep(500);
        return k;
    }

    public String address() { return "127.0.0.1:" + port; }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
