package io.pushgate.itest;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An operator's push backend: takes Pushgate's webhook POSTs, checks each signature as the
 * backend would (HMAC-SHA256 of "<t>.<body>" with the shared key), records them and answers with
 * the status the test sets.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final String SECRET = "webhook-test-key-0123456789abcdef";

    /** One POST: its JSON body and whether its signature was right. */
    public record Post(String body, boolean signatureValid) {}

    private final HttpServer server;
    private final BlockingQueue<Post> received = new LinkedBlockingQueue<>();
    private volatile int status = 204;
    public final Path secretFile;

    public WebhookReceiver(Path dir) throws Exception {
        secretFile = dir.resolve("webhook.key");
        Files.writeString(secretFile, SECRET + "\n");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/push", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Post(body, verify(ex.getRequestHeaders().getFirst("X-Pushgate-Signature"), body)));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    private static boolean verify(String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) return false;
        String t = header.substring(2, header.indexOf(','));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return header.endsWith("v1=" + expected) && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) < 300;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String config() {
        return """
                [push-webhook]
                url = http://127.0.0.1:%d/push
                secret-file = %s
                """.formatted(server.getAddress().getPort(), secretFile);
    }

    public void answer(int status) { this.status = status; }

    public Post next(long seconds) throws InterruptedException { return received.poll(seconds, TimeUnit.SECONDS); }

    @Override
    public void close() { server.stop(0); }
}
