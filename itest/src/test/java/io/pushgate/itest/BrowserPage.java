package io.pushgate.itest;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A page of headless Chromium (browser/page.mjs) logged in with HTTP Basic, driven one command at a time. */
final class BrowserPage implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private BrowserPage(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static BrowserPage open(String user, String password) throws Exception {
        Browser.install();
        return new BrowserPage(new ProcessBuilder("node", Path.of("target", "browser", "page.mjs").toAbsolutePath().toString(), user, password)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    private JsonObject call(JsonObject command) throws Exception {
        in.write(command + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) throw new AssertionError("the browser ended");
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (o.has("error")) throw new AssertionError("browser: " + o.get("error").getAsString() + " on " + command);
        return o;
    }

    private static JsonObject op(String op, String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        if (key != null) o.addProperty(key, value);
        return o;
    }

    int go(String url) throws Exception {
        return call(op("goto", "url", url)).get("status").getAsInt();
    }

    /** The visible text of the first element matching {@code selector}, or null. */
    String text(String selector) throws Exception {
        JsonObject o = call(op("text", "selector", selector));
        return o.get("text").isJsonNull() ? null : o.get("text").getAsString();
    }

    int click(String selector) throws Exception {
        return call(op("click", "selector", selector)).get("status").getAsInt();
    }

    void screenshot(Path file) throws Exception {
        java.nio.file.Files.createDirectories(file.getParent());
        call(op("screenshot", "path", file.toAbsolutePath().toString()));
    }

    @Override
    public void close() throws Exception {
        try {
            in.write("{\"op\":\"quit\"}\n");
            in.flush();
        } catch (java.io.IOException gone) {
            // ended already
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
