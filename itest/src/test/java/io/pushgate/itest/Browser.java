package io.pushgate.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web phone page in headless Chromium (Debian's), driven by Playwright from node: the
 * resources under browser/ are installed with npm once per run, then drive.mjs runs one phone.
 */
final class Browser implements AutoCloseable {
    private static final Path DIR = Path.of("target", "browser").toAbsolutePath();
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path log;

    private Browser(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** npm install of playwright-core (version pinned in browser/package.json); the page's SIP.js comes with the archive. */
    static synchronized void install() throws Exception {
        Files.createDirectories(DIR);
        for (String f : new String[] {"package.json", "drive.mjs", "redirect.mjs", "signup.mjs", "page.mjs"}) {
            try (var s = Browser.class.getResourceAsStream("/browser/" + f)) {
                Files.copy(s, DIR.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) return;
        Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund").directory(DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("npm install failed:\n" + output);
    }

    /** Opens the page, registers the user over {@code wsUrl}; {@code target} null means wait for a call. */
    static Browser start(String pageUrl, String wsUrl, String user, String password, String domain, String target, Path logDir)
            throws Exception {
        return launch(pageUrl, wsUrl, user, password, domain, target == null ? "answer" : "call", target, logDir);
    }

    /**
     * Opens the page, which subscribes to WebPush as the subscription given ({@code endpoint}, its
     * keys), registers with it and sleeps; {@code command("push " + data)} then wakes it as the
     * browser's push service would.
     */
    static Browser startWithPush(String pageUrl, String wsUrl, String user, String password, String domain, String endpoint,
                                 String p256dh, String auth, Path logDir) throws Exception {
        return launch(pageUrl, wsUrl, user, password, domain, "push", endpoint, logDir, p256dh, auth);
    }

    /** Opens the page and calls {@code target} over {@code wsUrl} without ever registering. */
    static Browser callWithoutRegistering(String pageUrl, String wsUrl, String user, String password, String domain, String target,
                                          Path logDir) throws Exception {
        return launch(pageUrl, wsUrl, user, password, domain, "call-unregistered", target, logDir);
    }

    private static Browser launch(String pageUrl, String wsUrl, String user, String password, String domain, String mode, String target,
                                  Path logDir, String... more) throws Exception {
        install();
        List<String> cmd = new ArrayList<>(List.of("node", DIR.resolve("drive.mjs").toString(), pageUrl, wsUrl, user, password, domain, mode));
        if (target != null) cmd.add(target);
        cmd.addAll(List.of(more));
        Path log = Files.createTempFile(logDir, "browser", ".log");
        return new Browser(new ProcessBuilder(cmd).redirectError(log.toFile()).start(), log);
    }

    /** Opens {@code url} in Chromium and returns the first response as it saw it: {"status":..,"location":..}. */
    static String firstResponse(String url) throws Exception {
        return runScript("redirect.mjs", url).strip();
    }

    /** Signs up on the page at {@code url} (browser/signup.mjs); one JSON line per submission. */
    static List<String> signUp(String url, String user, String email, String password) throws Exception {
        return runScript("signup.mjs", url, user, email, password).lines().filter(l -> l.startsWith("{")).toList();
    }

    /** Runs one of the one-shot scripts to its end and returns what it printed. */
    private static String runScript(String script, String... args) throws Exception {
        install();
        List<String> cmd = new ArrayList<>(List.of("node", DIR.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(script + " failed:\n" + out);
        return out;
    }

    /** The next JSON line the driver prints, as text; fails on an error step or after the timeout. */
    String next(String step, long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (!out.ready()) {
                if (!process.isAlive()) break;
                Thread.sleep(50);
                continue;
            }
            String line = out.readLine();
            if (line == null) break;
            if (line.contains("\"step\":\"error\"")) throw new AssertionError("browser: " + line + "\n" + tail());
            if (line.contains("\"step\":\"" + step + "\"")) return line;
        }
        throw new AssertionError("browser step " + step + " not reached\n" + tail());
    }

    void command(String c) throws IOException {
        in.write(c + "\n");
        in.flush();
    }

    /** A string field of a JSON line (the driver writes flat objects). */
    static String field(String json, String name) {
        // runs of plain characters are taken whole, so a long SDP does not recurse once per character
        Matcher m = Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]++|\\\\.)*+)\"|(\\d+))").matcher(json);
        if (!m.find()) return null;
        return m.group(2) != null ? m.group(2).replace("\\r", "\r").replace("\\n", "\n").replace("\\\"", "\"") : m.group(3);
    }

    private String tail() throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        s = s.replaceAll("(?m)^page: .*\\| sip\\.UserAgent \\| · .*\\n", "");
        return s.length() <= 8000 ? s : s.substring(s.length() - 8000);
    }

    @Override
    public void close() throws Exception {
        try {
            command("quit");
        } catch (IOException alreadyGone) {
            // the driver ended by itself
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
