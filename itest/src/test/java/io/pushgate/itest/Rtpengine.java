package io.pushgate.itest;

import io.pushgate.media.NgClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real rtpengine (Debian package rtpengine-daemon) in userspace mode, its NG port on loopback. */
public final class Rtpengine implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final int ngPort;

    private Rtpengine(Process process, Path log, int ngPort) {
        this.process = process;
        this.log = log;
        this.ngPort = ngPort;
    }

    public static Rtpengine start(Path workDir, int mediaPortMin) throws Exception {
        int port = PushgateProcess.freePort();
        Path log = Files.createTempFile(workDir, "rtpengine", ".log");
        Process p = new ProcessBuilder(List.of("rtpengine", "--interface=127.0.0.1", "--listen-ng=127.0.0.1:" + port,
                "--foreground", "--table=-1", "--log-stderr", "--port-min=" + mediaPortMin, "--port-max=" + (mediaPortMin + 99)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Rtpengine r = new Rtpengine(p, log, port);
        r.awaitPong();
        return r;
    }

    /** A slow machine can take seconds to open the NG socket; a fixed sleep made tests flaky there. */
    private void awaitPong() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (NgClient probe = new NgClient(List.of(new NgClient.Instance(new InetSocketAddress("127.0.0.1", ngPort), 1)),
                500, 0, 0, System::currentTimeMillis)) {
            while (true) {
                if (!process.isAlive()) throw new IllegalStateException("rtpengine exited " + process.exitValue() + ":\n" + log());
                try {
                    if ("pong".equals(probe.call(Map.of("command", "ping")).get("result"))) return;
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("rtpengine did not answer ping on " + ngPort + " within 30 s:\n" + log());
                }
                Thread.sleep(200);
            }
        }
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
