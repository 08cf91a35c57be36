package io.pushgate.itest;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pushy's MockApnsServer as the APNs peer (Apple's servers cannot run here), over real TLS with
 * a certificate made by openssl, and the app's token-auth key written where Pushgate reads it.
 */
public final class MockApns implements AutoCloseable {
    /** One push as the mock received it. */
    public record Push(String token, String topic, String pushType, String collapseId, String expiration, String payload) {}

    public static final String BUNDLE = "org.example.phone";
    public static final String TEAM = "TEAM123456";

    private final MockApnsServer server;
    /** Device tokens this APNs answers with 410 Unregistered. */
    public final java.util.Set<String> deadTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Push> received = new LinkedBlockingQueue<>();
    public final int port;
    public final Path appDir;
    public final Path trust;

    private MockApns(Path dir) throws Exception {
        Path cert = dir.resolve("apns-server.pem");
        Path key = dir.resolve("apns-server.key");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        this.trust = cert;
        this.appDir = Files.createDirectories(dir.resolve("apns"));
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", appDir.resolve("AuthKey.p8").toString());
        Files.writeString(appDir.resolve(BUNDLE + ".properties"), """
                auth = token
                key-file = AuthKey.p8
                team-id = %s
                key-id = KEY1234567
                environment = development
                """.formatted(TEAM));
        this.server = new MockApnsServerBuilder()
                .setServerCredentials(cert.toFile(), key.toFile(), null)
                // tokens in deadTokens get 410 Unregistered, as for an app that was uninstalled
                .setHandlerFactory(session -> (headers, payload) -> {
                    String path = String.valueOf(headers.path());
                    if (deadTokens.contains(path.substring(path.lastIndexOf('/') + 1))) {
                        throw new UnregisteredDeviceTokenException(Instant.now());
                    }
                })
                .setListener(new MockApnsServerListener() {
                    @Override
                    public void handlePushNotificationAccepted(Http2Headers h, ByteBuf payload) {
                        String path = String.valueOf(h.path());
                        received.add(new Push(path.substring(path.lastIndexOf('/') + 1), str(h.get("apns-topic")),
                                str(h.get("apns-push-type")), str(h.get("apns-collapse-id")), str(h.get("apns-expiration")),
                                payload == null ? "" : payload.toString(StandardCharsets.UTF_8)));
                    }

                    @Override
                    public void handlePushNotificationRejected(Http2Headers h, ByteBuf p, RejectionReason r, Instant t) {
                        received.add(new Push("REJECTED", str(h.get("apns-topic")), r.toString(), null, null, ""));
                    }
                })
                .build();
        this.port = PushgateProcess.freePort();
        server.start(port).get(10, TimeUnit.SECONDS);
    }

    public static MockApns start(Path dir) throws Exception {
        return new MockApns(dir);
    }

    /** The [push-apns] configuration that points Pushgate at this mock. */
    public String config() {
        return """
                [push-apns]
                dir = %s
                server = 127.0.0.1:%d
                trust = %s
                """.formatted(appDir, port, trust);
    }

    /** The next push, or null after the timeout. */
    public Push next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    public List<Push> drain() {
        List<Push> l = new java.util.ArrayList<>();
        received.drainTo(l);
        return l;
    }

    private static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }

    static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(10, TimeUnit.SECONDS);
    }
}
