package io.pushgate.itest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Linphone client (Debian package linphone-cli: linphonec), configured by nothing but a
 * remote provisioning URL ([misc] config-uri), from where it fetches its account, or given one.
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
        return start(workDir, "", """
                [misc]
                config-uri=%s
                """.formatted(configUri));
    }

    /** A Linphone with one account of the server at {@code serverUri} (host:port), registering over UDP. */
    static Linphone registering(Path workDir, String user, String password, String domain, String serverUri) throws Exception {
        return start(workDir, "default_proxy=0\n", """
                [auth_info_0]
                username=%1$s
                passwd=%2$s
                domain=%3$s
                [proxy_0]
                reg_proxy=<sip:%4$s;transport=udp>
                reg_identity=sip:%1$s@%3$s
                reg_expires=600
                reg_sendregister=1
                """.formatted(user, password, domain, serverUri));
    }

    private static Linphone start(Path workDir, String sipSection, String account) throws Exception {
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
                """.formatted(PushgateProcess.freePort()) + sipSection + account);
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
