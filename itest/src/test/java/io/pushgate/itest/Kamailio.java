package io.pushgate.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kamailio (Debian package kamailio) with one of the test configurations: backend.cfg (the
 * gateway's backend registrar) or provider.cfg (an upstream provider for the UAC tests).
 */
public final class Kamailio implements AutoCloseable {
    private final Process process;
    private volatile boolean frozen;
    private final Path log;
    private final Path dir;
    public final String host;
    public final int port;

    private Kamailio(Process process, Path log, Path dir, String host, int port) {
        this.process = process;
        this.log = log;
        this.dir = dir;
        this.host = host;
        this.port = port;
    }

    /** Starts the gateway's backend on a free loopback port; {@code path} stores Path headers and routes along them. */
    public static Kamailio start(Path workDir, boolean path) throws Exception {
        return path ? start(workDir, "backend.cfg", PushgateProcess.freePort(), "WITH_PATH")
                : start(workDir, "backend.cfg", PushgateProcess.freePort());
    }

    /** Starts a configuration from the test resources on 127.0.0.1:{@code port}, with the given -A defines. */
    public static Kamailio start(Path workDir, String config, int port, String... defines) throws Exception {
        return start(workDir, config, "127.0.0.1", port, defines);
    }

    /** The same on another loopback address (a provider must not share a domain name with Pushgate). */
    public static Kamailio start(Path workDir, String config, String host, int port, String... defines) throws Exception {
        Path dir = Files.createTempDirectory(workDir, "kamailio");
        Path cfg = dir.resolve(config);
        try (var in = Kamailio.class.getResourceAsStream("/kamailio/" + config)) {
            Files.writeString(cfg, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("CTL_SOCKET", dir.resolve("ctl").toString()));
        }
        return launch(dir, cfg, host, port, defines);
    }

    /** Starts a configuration file as it is (one the repository ships) on 127.0.0.1:{@code port}. */
    public static Kamailio startFile(Path workDir, Path cfg, int port, String... defines) throws Exception {
        return startFile(workDir, cfg, "127.0.0.1", port, defines);
    }

    /** The same on another loopback address. */
    public static Kamailio startFile(Path workDir, Path cfg, String host, int port, String... defines) throws Exception {
        return launch(Files.createTempDirectory(workDir, "kamailio"), cfg, host, port, defines);
    }

    private static Kamailio launch(Path dir, Path cfg, String host, int port, String... defines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kamailio", "-f", cfg.toString(), "-l", "udp:" + host + ":" + port,
                "-DD", "-E", "-w", dir.toString(), "-Y", dir.toString()));
        for (String d : defines) cmd.addAll(List.of("-A", d));
        Path log = dir.resolve("kamailio.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Kamailio k = new Kamailio(p, log, dir, host, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException("kamailio exited " + p.exitValue() + ":\n" + k.log());
            // Listening once the SIP workers are up.
            if (k.log().contains("SO_RCVBUF is finally")) break;
            Thread.sleep(100);
        }
        Await.until("kamailio listens on UDP " + port, 10, () -> Sipp.udpBound(port));
        return k;
    }

    public String address() { return host + ":" + port; }

    /** Runs kamcmd against this instance's ctl socket (provider.cfg loads ctl) and returns what it printed. */
    public String kamcmd(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kamcmd", "-s", "unix:" + dir.resolve("ctl")));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    public boolean alive() { return process.isAlive(); }

    /**
     * Stops (SIGSTOP) or resumes (SIGCONT) every process of this instance: while stopped it takes
     * what is sent to it (the kernel queues it) and answers nothing, a backend that is slow to answer.
     */
    public void freeze(boolean stopped) throws Exception {
        StringBuilder pids = new StringBuilder(String.valueOf(process.pid()));
        process.descendants().forEach(h -> pids.append(' ').append(h.pid()));
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + (stopped ? "STOP " : "CONT ") + pids).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) throw new IllegalStateException("kill " + pids + ": " + out);
        frozen = stopped;
    }

    /** Bytes sent to its SIP socket and not yet read (ss's Recv-Q). */
    public long queuedBytes() {
        String out;
        try {
            Process ss = new ProcessBuilder("ss", "-Hnul", "sport = :" + port).redirectErrorStream(true).start();
            out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("ss: " + e, e);
        }
        return out.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length > 1)
                .mapToLong(f -> Long.parseLong(f[1])).sum();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws Exception {
        if (frozen) freeze(false); // a stopped process would not take the TERM
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
