package io.pushgate.itest;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real baresip user agent (Debian package baresip), headless: a sine tone as microphone, audio
 * output discarded, auto-answer, driven over its ctrl_tcp JSON interface.
 */
public final class Baresip implements AutoCloseable {
    private final Process process;
    private final Socket control;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path log;
    public final String user;

    public Baresip(Path workDir, String user, String password, String registrar) throws Exception {
        this.user = user;
        Path dir = Files.createTempDirectory(workDir, "baresip-" + user);
        int sipPort = PushgateProcess.freePort();
        int ctrlPort = PushgateProcess.freePort();
        Files.writeString(dir.resolve("config"), """
                poll_method epoll
                sip_listen 127.0.0.1:%d
                audio_player aufile,%s
                audio_source ausine,440
                ausrc_srate 48000
                auplay_srate 48000
                ausrc_channels 2
                auplay_channels 2
                audio_alert aufile,%s
                module_path /usr/lib/baresip/modules
                module g711.so
                module ausine.so
                module aufile.so
                module_app account.so
                module_app menu.so
                module_app ctrl_tcp.so
                ctrl_tcp_listen 127.0.0.1:%d
                """.formatted(sipPort, dir.resolve("played.wav"), dir.resolve("alert.wav"), ctrlPort));
        Files.writeString(dir.resolve("accounts"),
                "<sip:%s@%s>;auth_pass=%s;answermode=auto;regint=600;audio_codecs=PCMU\n".formatted(user, registrar, password));
        log = dir.resolve("baresip.log");
        process = new ProcessBuilder("baresip", "-f", dir.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Socket s = null;
        long deadline = System.currentTimeMillis() + 15_000;
        while (s == null) {
            try {
                s = new Socket("127.0.0.1", ctrlPort);
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("baresip did not start:\n" + Files.readString(dir.resolve("baresip.log")));
                }
                Thread.sleep(100);
            }
        }
        control = s;
        Thread reader = new Thread(this::readEvents, "baresip-" + user);
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads netstring-framed JSON messages ("len:json,") from ctrl_tcp. */
    private void readEvents() {
        try (DataInputStream in = new DataInputStream(control.getInputStream())) {
            while (true) {
                int len = 0;
                int c;
                while ((c = in.read()) != ':') {
                    if (c < 0) return;
                    len = len * 10 + (c - '0');
                }
                byte[] body = new byte[len];
                in.readFully(body);
                in.read(); // trailing comma
                events.add(new String(body, StandardCharsets.UTF_8));
            }
        } catch (IOException closed) {
            // process ended
        }
    }

    /**
     * Waits until baresip reports a successful registration. Read from its log: the REGISTER_OK
     * event may come before the control connection is up.
     */
    public void awaitRegistered(int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (text.contains(user + "@") && text.contains("200 OK")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(user + " did not register:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    public void command(String command, String params) throws IOException {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = control.getOutputStream();
        out.write((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write(',');
        out.flush();
    }

    /** Waits for an event of the given type ("REGISTER_OK", "CALL_ESTABLISHED", "CALL_CLOSED", ...). */
    public String await(String type, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (String e : seen) if (e.contains("\"type\":\"" + type + "\"")) { seen.remove(e); return e; }
        while (System.nanoTime() < deadline) {
            String e = events.poll(200, TimeUnit.MILLISECONDS);
            if (e == null) continue;
            if (e.contains("\"type\":\"" + type + "\"")) return e;
            seen.add(e);
        }
        throw new AssertionError(user + ": no " + type + " within " + seconds + " s; saw " + seen);
    }

    @Override
    public void close() throws Exception {
        try {
            command("quit", "");
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        control.close();
    }
}
