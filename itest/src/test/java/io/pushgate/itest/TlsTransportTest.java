package io.pushgate.itest;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The SIP over TLS listener, with the certificate and key from the configuration, seen by a JDK TLS client. */
public class TlsTransportTest {
    private static PushgateProcess server;
    private static int tlsPort;
    private static Path cert;

    @BeforeClass
    public static void start() throws Exception {
        Path work = Files.createTempDirectory("pushgate-tls");
        cert = work.resolve("sip.crt");
        Path key = work.resolve("sip.key");
        MockApns.openssl(work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        tlsPort = PushgateProcess.freePort();
        server = new PushgateProcess("""
                [server]
                tls-port = %d
                tls-certificate = %s
                tls-key = %s
                """.formatted(tlsPort, cert, key));
        assertTrue(server.addSubscriber("alice", "pw-alice").exit() == 0);
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** A TLS connection that trusts only the server's own certificate. */
    private static SSLSocket connect() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("pushgate", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    private static String exchange(SSLSocket s, String request) throws Exception {
        s.getOutputStream().write(request.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!got.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
            int n = s.getInputStream().read(buf);
            if (n < 0) break;
            got.write(buf, 0, n);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void registerOverTlsIsChallengedOnTheSameConnection() throws Exception {
        try (SSLSocket s = connect()) {
            int local = s.getLocalPort();
            String response = exchange(s, """
                    REGISTER sip:127.0.0.1 SIP/2.0
                    Via: SIP/2.0/TLS 127.0.0.1:%1$d;branch=z9hG4bKtls1
                    Max-Forwards: 70
                    From: <sip:alice@127.0.0.1>;tag=tls1
                    To: <sip:alice@127.0.0.1>
                    Call-ID: tls-register-1
                    CSeq: 1 REGISTER
                    Contact: <sip:alice@127.0.0.1:%1$d;transport=tls>
                    Expires: 600
                    Content-Length: 0

                    """.formatted(local));
            assertTrue(response, response.startsWith("SIP/2.0 401 "));
            assertTrue(response, response.contains("WWW-Authenticate: Digest"));
            assertTrue(response, response.contains("Call-ID: tls-register-1"));
        }
    }

    @Test
    public void optionsToTheServerOverTlsIsAnswered() throws Exception {
        try (SSLSocket s = connect()) {
            String response = exchange(s, """
                    OPTIONS sip:127.0.0.1 SIP/2.0
                    Via: SIP/2.0/TLS 127.0.0.1:%1$d;branch=z9hG4bKtls2
                    Max-Forwards: 70
                    From: <sip:probe@example.org>;tag=tls2
                    To: <sip:127.0.0.1>
                    Call-ID: tls-options-1
                    CSeq: 1 OPTIONS
                    Content-Length: 0

                    """.formatted(s.getLocalPort()));
            assertTrue(response, response.startsWith("SIP/2.0 200 "));
        }
    }
}
