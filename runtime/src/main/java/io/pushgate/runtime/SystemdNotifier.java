package io.pushgate.runtime;

import io.pushgate.api.ManagementSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.log4j.Logger;

/**
 * Tells systemd (Type=notify, deploy/pushgate.service) that the server is ready, and keeps its
 * watchdog fed while /health/ready says so: a server whose database stays unreachable, or that
 * stops answering, is restarted. Java has no datagram Unix sockets, so systemd-notify sends the
 * messages (the unit sets NotifyAccess=all). Without NOTIFY_SOCKET it does nothing.
 */
final class SystemdNotifier {
    private static final Logger log = Logger.getLogger(SystemdNotifier.class);

    private SystemdNotifier() {}

    static void ready(ManagementSettings management) {
        if (System.getenv("NOTIFY_SOCKET") == null) return;
        send("--ready", "STATUS=serving");
        String usec = System.getenv("WATCHDOG_USEC");
        if (usec == null || !usec.matches("\\d{1,12}")) return;
        long periodMs = Math.max(500, Long.parseLong(usec) / 2000);
        String readinessUrl = management.enabled() ? LocalManagement.baseUrl(management) + "/health/ready" : null;
        HttpClient http;
        try {
            http = LocalManagement.client(management, Duration.ofMillis(periodMs));
        } catch (IOException e) {
            log.error("watchdog not fed: " + e.getMessage());
            return;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (healthy(http, readinessUrl, periodMs)) send("WATCHDOG=1");
            else send("STATUS=not ready: see /health/ready");
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** True when the readiness endpoint answers 200; with the management listener off, while the process runs. */
    private static boolean healthy(HttpClient http, String url, long timeoutMs) {
        if (url == null) return true;
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs)).build();
            return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(String... message) {
        String[] cmd = new String[message.length + 1];
        cmd[0] = "systemd-notify";
        System.arraycopy(message, 0, cmd, 1, message.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            else if (p.exitValue() != 0) log.warn("systemd-notify " + String.join(" ", message) + " failed: "
                    + new String(p.getInputStream().readAllBytes()).trim());
        } catch (IOException e) {
            log.warn("systemd-notify not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
