package io.pushgate.itest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SMTP server on loopback (Debian's python3-aiosmtpd) that keeps every mail it is given in
 * a Maildir, where the test reads it.
 */
final class SmtpSink implements AutoCloseable {
    final int port;
    private final Path maildir;
    private Process process;

    SmtpSink(Path workDir) throws Exception {
        this.port = PushgateProcess.freePort();
        this.maildir = Files.createTempDirectory(workDir, "maildir");
        for (String d : new String[] {"tmp", "new", "cur"}) Files.createDirectories(maildir.resolve(d));
        start();
    }

    void start() throws Exception {
        // Debian's interpreter, where python3-aiosmtpd is installed, whatever python3 comes first on PATH
        process = new ProcessBuilder("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port,
                "-c", "aiosmtpd.handlers.Mailbox", maildir.toString())
                .redirectErrorStream(true).redirectOutput(maildir.resolveSibling(maildir.getFileName() + ".log").toFile()).start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) break;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("aiosmtpd did not start: " + Files.readString(maildir.resolveSibling(maildir.getFileName() + ".log")));
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    /** The mails delivered so far, as the server stored them (headers and body). */
    List<String> mails() throws IOException {
        Path in = maildir.resolve("new");
        if (!Files.isDirectory(in)) return List.of();
        try (Stream<Path> files = Files.list(in)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** Waits for the {@code n}th mail. */
    String awaitMail(int n, long seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000;
        while (System.currentTimeMillis() < deadline) {
            List<String> m = mails();
            if (m.size() >= n) return m.get(n - 1);
            Thread.sleep(100);
        }
        throw new AssertionError("no mail number " + n + " within " + seconds + " s; have " + mails().size());
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
