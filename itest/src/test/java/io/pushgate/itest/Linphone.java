package io.pushgate.itest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Linphone client (Debian package linphone-cli: linphonec), configured by nothing but a
 * remote provisioning URL ([misc] config-uri): it fetches its account from there and registers.
 */
final class Linphone implements AutoCloseable {
    private final Process process;
    private final OutputStream commands;
    private final Path log;

    private Linphone(Process process, Path log) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.log = log;
    }

    static Linphone provisionedFrom(Path workDir, String configUri) throws Exception {
        Path dir = Files.createTempDirectory(workDir, "linphone");
        // without this directory the core never leaves start-up (docs of the test peers)
        Files.createDirectories(dir.resolve("home/.local/share/linphone"));
        Path rc = dir.resolve("linphonerc");
        Files.writeString(rc, """
                [sip]
                bind_address=127.0.0.1
                use_ipv6=0
                sip_port=%d
                sip_tcp_port=-1
                [misc]
                config-uri=%s
                """.formatted(PushgateProcess.freePort(), configUri));
        Path log = dir.resolve("linphone.log");
        ProcessBuilder pb = new ProcessBuilder("linphonec", "-c", rc.toString(), "-d", "6", "-l", log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("linphonec.out").toFile());
        pb.environment().put("HOME", dir.resolve("home").toString());
        return new Linphone(pb.start(), log);
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            commands.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        } catch (IOException gone) {
            // ended already
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
