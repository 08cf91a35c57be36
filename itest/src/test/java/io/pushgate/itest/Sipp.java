package io.pushgate.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real sipp (Debian package sip-tester) with a scenario written by the test. */
public final class Sipp {
    public record Result(int exit, String messages, String output) {
        public boolean passed() { return exit == 0; }
    }

    private static final java.util.concurrent.atomic.AtomicInteger VARS = new java.util.concurrent.atomic.AtomicInteger();

    private Sipp() {}

    /** Wraps scenario steps into a sipp scenario document. */
    public static String scenario(String... steps) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"pushgate-it\">\n");
        java.util.Set<String> vars = new java.util.TreeSet<>();
        for (String s : steps) {
            b.append(s).append('\n');
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("assign_to=\"([^\"]+)\"").matcher(s);
            while (m.find()) vars.add(m.group(1));
        }
        // sipp refuses a scenario whose variables are assigned but never read
        if (!vars.isEmpty()) b.append("<Reference variables=\"").append(String.join(",", vars)).append("\"/>\n");
        return b.append("</scenario>\n").toString();
    }

    /**
     * Sends a message. Lines are trimmed so text blocks can be indented, and empty lines before
     * Content-Length are dropped so optional headers can be left out with "".
     */
    public static String send(String message) {
        StringBuilder b = new StringBuilder();
        boolean inBody = false;
        for (String line : message.strip().split("\n")) {
            String t = line.strip();
            if (!inBody && t.isEmpty()) continue;
            b.append(t).append('\n');
            if (t.startsWith("Content-Length")) inBody = true;
        }
        return "<send retrans=\"500\"><![CDATA[\n" + b + "\n]]></send>";
    }

    /** Expects a response; each regexp must match somewhere in it or the call fails. */
    public static String recv(int status, String... mustMatch) {
        return recv(status, List.of(mustMatch), List.of());
    }

    /** Fails the call when the response matches the regexp. */
    public static String recvNot(int status, String mustNotMatch) {
        return recv(status, List.of(), List.of(mustNotMatch));
    }

    /** Expects a response that matches every regexp of {@code must} and none of {@code mustNot}. */
    public static String recv(int status, List<String> must, List<String> mustNot) {
        StringBuilder b = new StringBuilder("<recv response=\"" + status + "\"");
        if (status == 401 || status == 407) b.append(" auth=\"true\"");
        if (must.isEmpty() && mustNot.isEmpty()) return b.append("/>").toString();
        b.append("><action>");
        for (String re : must) b.append(ereg(re, "check_it", "m"));
        for (String re : mustNot) b.append(ereg(re, "check_it_inverse", "n"));
        return b.append("</action></recv>").toString();
    }

    private static String ereg(String re, String check, String prefix) {
        return "<ereg regexp=\"" + xml(re) + "\" search_in=\"msg\" " + check + "=\"true\" assign_to=\"" + prefix
                + VARS.incrementAndGet() + "\"/>";
    }

    public static String optional(int status) {
        return "<recv response=\"" + status + "\" optional=\"true\"/>";
    }

    public static String pause(int ms) {
        return "<pause milliseconds=\"" + ms + "\"/>";
    }

    /** Sends a message once, without sipp's retransmissions (ACKs and responses). */
    public static String sendOnce(String message) {
        return send(message).replace(" retrans=\"500\"", "");
    }

    /** ACK for a non-2xx final response to the INVITE just sent: its Via (same branch), From, To with tag, Call-ID. */
    public static String ackNon2xx(String ruri) {
        return sendOnce("""
                ACK %s SIP/2.0
                [last_Via:]
                [last_From:]
                [last_To:]
                [last_Call-ID:]
                CSeq: 1 ACK
                Max-Forwards: 70
                Content-Length: 0
                """.formatted(ruri));
    }

    public static Result run(Path workDir, String scenarioXml, String target, String... extraArgs) throws Exception {
        return start(workDir, scenarioXml, target, PushgateProcess.freePort(), extraArgs).await();
    }

    /** A sipp run in progress (a UAS waiting for calls, say). */
    public static final class Running {
        private final Process process;
        private final Path dir;
        private final java.util.concurrent.CompletableFuture<String> output;

        Running(Process process, Path dir) {
            this.process = process;
            this.dir = dir;
            this.output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return e.toString();
                }
            });
        }

        /** Whether this sipp has sent or received a message containing {@code text} so far. */
        public boolean traced(String text) {
            return tracedSoFar().contains(text);
        }

        /** The messages this sipp has sent and received so far, as its trace holds them. */
        public String tracedSoFar() {
            try {
                return read(dir.resolve("messages.log"));
            } catch (IOException e) {
                return "";
            }
        }

        public Result await() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            String msgs = read(dir.resolve("messages.log")) + read(dir.resolve("errors.log"));
            return new Result(process.exitValue(), msgs, PushgateProcess.tail(output.get()));
        }
    }

    /** Starts sipp bound to 127.0.0.1:localPort without waiting for it to end. */
    public static Running start(Path workDir, String scenarioXml, String target, int localPort, String... extraArgs) throws Exception {
        Path dir = Files.createTempDirectory(workDir, "sipp");
        Path sf = dir.resolve("scenario.xml");
        Files.writeString(sf, scenarioXml, StandardCharsets.ISO_8859_1);
        Path messages = dir.resolve("messages.log");
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("sipp", target == null ? "" : target, "-sf", sf.toString(), "-i", "127.0.0.1",
                "-p", Integer.toString(localPort), "-m", "1", "-nostdin", "-timeout", "20s",
                "-timeout_error", "-trace_msg", "-message_file", messages.toString(), "-trace_err",
                "-error_file", dir.resolve("errors.log").toString()));
        cmd.addAll(List.of(extraArgs));
        if (target == null) cmd.remove(1);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        // a UAS started before the request it waits for: it must be listening before anyone sends
        if (localPort > 0) Await.until("sipp listens on UDP " + localPort, 10, () -> !p.isAlive() || udpBound(localPort));
        return new Running(p, dir);
    }

    /** Whether a UDP socket is bound to the port on this machine (read from /proc, without binding it). */
    static boolean udpBound(int port) {
        String hex = String.format(":%04X ", port);
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 1 && (f[1] + " ").endsWith(hex)) return true;
                }
            } catch (IOException absent) {
                // no IPv6 table
            }
        }
        return false;
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
