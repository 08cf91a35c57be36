package io.pushgate.itest;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Pushgate server in its own JVM, started like bin/pushgate does, on free loopback ports
 * with its own H2 database (or the JDBC URL given), so it can be stopped, killed and restarted.
 */
public final class PushgateProcess implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("pushgate.root", "..")).toAbsolutePath().normalize();

    public final Path dir;
    public final int sipPort;
    public final int httpPort;
    public final int managementPort;
    private final Path config;
    private Process process;
    /** Extra environment of the server process (NOTIFY_SOCKET, say). */
    public final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private Path log;
    private int starts;

    public PushgateProcess(String extraConfig) throws IOException {
        this.dir = TestDirs.create("pushgate-it");
        this.sipPort = freePort();
        this.httpPort = freePort();
        this.managementPort = freePort();
        this.config = dir.resolve("pushgate.ini");
        String text = """
                [server]
                sip-address = 127.0.0.1
                udp-port = %d
                tcp-port = %d
                http-port = %d
                work-dir = %s
                stop-grace = 1

                [database]
                url = jdbc:h2:file:%s;AUTO_SERVER=TRUE;WRITE_DELAY=0

                [management]
                port = %d
                """.formatted(sipPort, sipPort, httpPort, dir.resolve("container"), dir.resolve("db/pushgate"), managementPort);
        Files.writeString(config, merge(text, extraConfig), StandardCharsets.UTF_8);
    }

    /** Later sections and keys in {@code extra} override the base text. */
    private static String merge(String base, String extra) {
        if (extra == null || extra.isBlank()) return base;
        StringBuilder out = new StringBuilder();
        String section = null;
        List<String> overridden = new ArrayList<>();
        String current = null;
        for (String line : extra.split("\n")) {
            String t = line.strip();
            if (t.startsWith("[")) current = t;
            else if (t.contains("=") && current != null) overridden.add(current + t.substring(0, t.indexOf('=')).strip());
        }
        for (String line : base.split("\n")) {
            String t = line.strip();
            if (t.startsWith("[")) section = t;
            if (t.contains("=") && section != null && overridden.contains(section + t.substring(0, t.indexOf('=')).strip())) continue;
            out.append(line).append('\n');
        }
        return out.append('\n').append(extra).append('\n').toString();
    }

    public Path config() { return config; }

    /**
     * Makes this instance the push application server, on 127.0.0.2 (its address must not be the
     * proxy's), subscribing at and handing calls back to {@code proxy}; {@code extra} follows the
     * [push-server] keys, so it may add some before a section of its own.
     */
    public void configurePushServer(String proxy, int waitTimeout, String rtpPorts, String extra) throws IOException {
        configurePushServer("127.0.0.2", proxy, waitTimeout, rtpPorts, extra);
    }

    /** The same on another address (one of several application servers). */
    public void configurePushServer(String address, String proxy, int waitTimeout, String rtpPorts, String extra) throws IOException {
        Files.writeString(config, """

                [server]
                sip-address = %s
                role = push-server

                [push-server]
                proxy = %s
                wait-timeout = %d
                rtp-ports = %s
                """.formatted(address, proxy, waitTimeout, rtpPorts) + extra, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    /** The server's own H2 database, which a test may open beside it (AUTO_SERVER) to check what it stored. */
    public String jdbcUrl() {
        return "jdbc:h2:file:" + dir.resolve("db/pushgate") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /** The contact URIs the server's database holds, for one user (null: every user), read beside the server. */
    public List<String> storedContacts(String user) {
        String sql = "select contact_uri from binding" + (user == null ? "" : " where aor like ?");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl(), "pushgate", "");
             java.sql.PreparedStatement q = c.prepareStatement(sql)) {
            if (user != null) q.setString(1, "sip:" + user + "@%");
            List<String> out = new ArrayList<>();
            try (java.sql.ResultSet r = q.executeQuery()) {
                while (r.next()) out.add(r.getString(1));
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    public String uri() { return "127.0.0.1:" + sipPort; }

    /** Live threads of the server by name, numbered pool members counted under one name (from jstack). */
    public java.util.SortedMap<String, Integer> threadCounts() throws Exception {
        Process p = new ProcessBuilder("jstack", Long.toString(process.pid())).redirectErrorStream(true).start();
        java.util.SortedMap<String, Integer> names = new java.util.TreeMap<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            if (line.startsWith("\"")) names.merge(line.substring(1, line.indexOf('"', 1)).replaceAll("-?\\d+$", ""), 1, Integer::sum);
        }
        p.waitFor();
        return names;
    }

    public PushgateProcess start() throws Exception {
        launch();
        return awaitReady();
    }

    /** Waits until the server {@link #launch}ed says it is ready. */
    public PushgateProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            if (out.contains("Pushgate ready")) return this;
            if (!process.isAlive()) throw new IllegalStateException("Pushgate exited with " + process.exitValue() + ":\n" + tail(out));
            Thread.sleep(100);
        }
        throw new IllegalStateException("Pushgate not ready after 90 s:\n" + tail(log()));
    }

    /** Starts the server without waiting for it to be ready. */
    public PushgateProcess launch() throws IOException {
        starts++;
        log = dir.resolve("server-" + starts + ".log");
        ProcessBuilder pb = new ProcessBuilder(javaCommand(List.of("run", "--config", config.toString())));
        pb.redirectErrorStream(true).redirectOutput(log.toFile()).directory(dir.toFile());
        pb.environment().putAll(environment);
        process = pb.start();
        return this;
    }

    /** Asks the server to stop (SIGTERM) without waiting for it. */
    public void requestStop() {
        if (process != null) process.destroy();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Runs a command of the launcher (subscriber, alias, ...) against this server's configuration. */
    public CommandResult command(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--config");
        a.add(config.toString());
        Process p = new ProcessBuilder(javaCommand(a)).redirectErrorStream(true).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CommandResult(p.waitFor(), out);
    }

    /** The same, with {@code input} on the command's standard input (a password it reads from there). */
    public CommandResult commandWithInput(String input, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--config");
        a.add(config.toString());
        Process p = new ProcessBuilder(javaCommand(a)).redirectErrorStream(true).directory(dir.toFile()).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CommandResult(p.waitFor(), out);
    }

    public record CommandResult(int exit, String output) {}

    /** `subscriber add USER`, the password on standard input as a script gives it. */
    public CommandResult addSubscriber(String user, String password) throws Exception {
        return commandWithInput(password + "\n", "subscriber", "add", user);
    }

    /** Runs a sipp scenario made of these steps against this server; fails the test unless every call passed. */
    public Sipp.Result sipp(String... steps) throws Exception {
        Sipp.Result r = Sipp.run(dir, Sipp.scenario(steps), uri());
        assertPassed(r);
        return r;
    }

    /** Registers one device of user (password "pw-" + user) from port, answering the challenge; sipp arguments may follow. */
    public void registerDevice(String user, String contact, int port, String... sippArgs) throws Exception {
        assertPassed(Sipp.start(dir, Sipp.scenario(
                Sipp.send(Requests.register(user, 1, contact, "600", "")), Sipp.recv(401),
                Sipp.send(Requests.register(user, 2, contact, "600", Requests.auth(user, "pw-" + user))), Sipp.recv(200)),
                uri(), port, sippArgs).await());
    }

    /** Fails the test with sipp's messages and this server's log unless the sipp run passed. */
    public void assertPassed(Sipp.Result r) throws IOException {
        org.junit.Assert.assertTrue("sipp failed (" + r.exit() + "):\n" + r.messages() + "\n" + r.output()
                + "\nserver log:\n" + tail(log()), r.passed());
    }

    public static List<String> javaCommand(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dpushgate.default-archive=" + ROOT.resolve("runtime/target/deploy/pushgate.sar"),
                "-cp", ROOT.resolve("runtime/target/pushgate-runtime.jar") + ":" + ROOT.resolve("runtime/target/lib") + "/*",
                "io.pushgate.runtime.Launcher"));
        cmd.addAll(args);
        return cmd;
    }

    public String log() throws IOException {
        return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** SIGTERM, waiting for the JVM to end; returns its exit status. */
    public int stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return process == null ? -1 : process.exitValue();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, nothing flushed on purpose. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the server and deletes its directory (a server to start again is only stopped). */
    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            TestDirs.delete(dir);
        }
    }

    /** One sample of a metric (a regular expression of its name and labels) from the Prometheus endpoint; NaN when absent. */
    public double metric(String nameAndLabels) {
        try {
            String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + managementPort + "/pushgate/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + nameAndLabels + " (\\S+)").matcher(text);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }

    /** A UDP port for sipp's -mp: sipp also binds the port two above it (video), so both must be free. */
    public static int freeMediaPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = freePort();
            try (DatagramSocket video = new DatagramSocket(port + 2, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // the video port is taken; try another
            }
        }
        throw new IOException("no free UDP port pair for sipp media");
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Random PORTS = new java.util.Random();

    /**
     * A TCP and UDP port free on loopback, not handed out before by this JVM. Taken below the
     * kernel's ephemeral range (32768 and up), so that no process's outgoing connection or
     * port-0 socket can take it between this call and the bind that uses it (a server once found
     * its HTTP port taken that way), and between 16000 and 30000, away
     * from the fixed ports and the media ranges of the tests.
     */
    public static int freePort() throws IOException {
        for (int i = 0; i < 500; i++) {
            int port = 16000 + PORTS.nextInt(14000);
            if (!HANDED_OUT.add(port)) continue;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket d = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // taken; try another
            }
        }
        throw new IOException("no free port");
    }
}
