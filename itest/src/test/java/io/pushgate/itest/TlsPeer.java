package io.pushgate.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A SIP peer on TLS with the certificate DIR/NAME.crt and key DIR/NAME.key: it answers every
 * request 200 and keeps it, keeps the server names the client asked for (SNI), and counts the
 * handshakes that failed (the client refused its certificate).
 */
final class TlsPeer implements AutoCloseable {
    final int port;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final AtomicInteger handshakesFailed = new AtomicInteger();
    final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();
    private final SSLServerSocket socket;

    TlsPeer(Path dir, String name) throws Exception {
        MockApns.openssl(dir, "pkcs12", "-export", "-in", name + ".crt", "-inkey", name + ".key", "-out", name + ".p12", "-passout", "pass:peer");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, "peer".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "peer".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        port = socket.getLocalPort();
        Thread t = new Thread(this::serve, "tls-peer-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) socket.accept();
                Thread t = new Thread(() -> answer(s));
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answer(SSLSocket s) {
        try (s) {
            try {
                s.startHandshake();
            } catch (IOException e) {
                handshakesFailed.incrementAndGet();
                return;
            }
            if (s.getSession() instanceof javax.net.ssl.ExtendedSSLSession e) {
                for (javax.net.ssl.SNIServerName n : e.getRequestedServerNames()) {
                    if (n instanceof javax.net.ssl.SNIHostName h) serverNames.add(h.getAsciiName());
                }
            }
            InputStream in = s.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) return;
                received.add(head);
                StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
                for (String line : head.split("\r\n")) {
                    String l = line.toLowerCase(java.util.Locale.ROOT);
                    if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("to:") || l.startsWith("call-id:") || l.startsWith("cseq:")) {
                        r.append(line).append(l.startsWith("to:") ? ";tag=peer" : "").append("\r\n");
                    }
                }
                r.append("Content-Length: 0\r\n\r\n");
                s.getOutputStream().write(r.toString().getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
            }
        } catch (IOException ignored) {
            // the server closed the connection
        }
    }

    /** A message's head up to the blank line (these requests carry no body), or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String sofar = b.toString(StandardCharsets.UTF_8);
            if (sofar.endsWith("\r\n\r\n")) return sofar.strip().isEmpty() ? readHead(in) : sofar;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
