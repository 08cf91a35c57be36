package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
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

/**
 * The SIP over TLS listener, with the certificate and key from the configuration, seen by a JDK TLS
 * client; what it offers (TLS 1.2 and up, forward-secret suites); a renewed certificate served
 * without a restart; and outbound TLS that verifies the peer against the system's and the
 * configured authorities, not against our own certificate.
 */
public class TlsTransportTest {
    private static PushgateProcess server;
    private static int tlsPort;
    private static Path cert;
    private static Path key;
    private static Path work;
    private static TlsPeer trustedPeer;
    private static TlsPeer unknownPeer;
    private static TlsPeer misnamedPeer;
    private static TlsPeer namedPeer;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-tls");
        cert = work.resolve("sip.crt");
        key = work.resolve("sip.key");
        selfSigned("sip", "127.0.0.1");
        // a private authority, configured as [server] tls-trust, and a peer it signed; another peer signed by no one we know
        selfSigned("ca", "Pushgate Test CA");
        signedByCa("peer", "127.0.0.1", "IP:127.0.0.1");
        // signed by the same authority, but for names other than the address the server connects to
        signedByCa("misnamed", "127.0.0.1", "DNS:peer.example.org");
        signedByCa("named", "localhost", "DNS:localhost");
        selfSigned("stranger", "127.0.0.1");
        trustedPeer = new TlsPeer(work, "peer");
        unknownPeer = new TlsPeer(work, "stranger");
        misnamedPeer = new TlsPeer(work, "misnamed");
        namedPeer = new TlsPeer(work, "named");
        tlsPort = PushgateProcess.freePort();
        server = new PushgateProcess("""
                [server]
                tls-port = %d
                tls-certificate = %s
                tls-key = %s
                tls-trust = %s
                """.formatted(tlsPort, cert, key, work.resolve("ca.crt")));
        for (String u : new String[] {"alice", "tina", "ursula", "mona", "nina"}) assertTrue(server.addSubscriber(u, "pw-" + u).exit() == 0);
        server.start();
    }

    private static void signedByCa(String name, String cn, String altName) throws Exception {
        MockApns.openssl(work, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(work.resolve(name + ".ext"), "subjectAltName=" + altName + "\n");
        MockApns.openssl(work, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt",
                "-days", "2", "-extfile", name + ".ext");
    }

    private static void selfSigned(String name, String cn) throws Exception {
        MockApns.openssl(work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
        if (trustedPeer != null) trustedPeer.close();
        if (unknownPeer != null) unknownPeer.close();
        if (misnamedPeer != null) misnamedPeer.close();
        if (namedPeer != null) namedPeer.close();
    }

    /** A TLS connection that trusts only the server's own certificate. */
    private static SSLSocket connect() throws Exception {
        return connect(cert, null, null);
    }

    /** A TLS connection that trusts only the certificate in {@code trusted}, offering only the protocols and suites given (null: the JDK's). */
    private static SSLSocket connect(Path trusted, String[] protocols, String[] suites) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trusted)) {
            trust.setCertificateEntry("pushgate", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort);
        if (protocols != null) s.setEnabledProtocols(protocols);
        if (suites != null) s.setEnabledCipherSuites(suites);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    private static boolean handshakes(String[] protocols, String[] suites) {
        try (SSLSocket s = connect(cert, protocols, suites)) {
            return true;
        } catch (Exception e) {
            return false;
        }
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

    @Test
    public void onlyTls12WithForwardSecrecyIsAccepted() {
        assertTrue("TLS 1.2 with ECDHE", handshakes(new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
        assertFalse("TLS 1.2 with a static RSA key exchange (no forward secrecy)",
                handshakes(new String[] {"TLSv1.2"}, new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256"}));
    }

    @Test
    public void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        Path renewed = work.resolve("renewed.crt");
        MockApns.openssl(work, "req", "-x509", "-new", "-key", key.toString(), "-out", renewed.toString(), "-days", "3",
                "-subj", "/CN=127.0.0.1 renewed", "-addext", "subjectAltName=IP:127.0.0.1");
        Path backup = work.resolve("first.crt");
        Files.copy(cert, backup, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            Files.copy(renewed, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Await.until("the renewed certificate is served", 30, () -> {
                try (SSLSocket s = connect(renewed, null, null)) {
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            Files.copy(backup, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Await.until("the first certificate is served again", 30, () -> handshakes(null, null));
        }
    }

    /**
     * A user whose Path leads to a TLS peer: a MESSAGE to it is relayed over a new TLS connection.
     * The peer signed by the configured authority gets it; the peer nobody signed gets a handshake
     * the server breaks off, and no request.
     */
    @Test
    public void outboundTlsVerifiesThePeerAgainstTheConfiguredAuthorities() throws Exception {
        registerBehind("tina", trustedPeer);
        registerBehind("ursula", unknownPeer);
        server.sipp(Sipp.send(Requests.request("MESSAGE", "sip:tina@[remote_ip]", "sip:sender@example.org", "sip:tina@[remote_ip]", 70, "")),
                Sipp.recv(200));
        assertTrue(trustedPeer.received.poll(10, java.util.concurrent.TimeUnit.SECONDS).startsWith("MESSAGE sip:tina@"));

        server.sipp(Sipp.sendOnce(Requests.request("MESSAGE", "sip:ursula@[remote_ip]", "sip:sender@example.org", "sip:ursula@[remote_ip]", 70, "")),
                Sipp.pause(100));
        Await.until("the unknown peer saw a handshake", 10, () -> unknownPeer.handshakesFailed.get() > 0);
        assertNull("no request reached the peer nobody vouches for", unknownPeer.received.poll(2, java.util.concurrent.TimeUnit.SECONDS));
    }

    /**
     * A peer whose certificate the configured authority signed for another name than the host the
     * server connects to is refused like one nobody signed; a peer reached by the name on its
     * certificate is accepted, and is asked for that name (SNI).
     */
    @Test
    public void outboundTlsChecksThePeersNameAgainstTheHostConnectedTo() throws Exception {
        registerBehind("mona", misnamedPeer, "127.0.0.1");
        registerBehind("nina", namedPeer, "localhost");
        server.sipp(Sipp.sendOnce(Requests.request("MESSAGE", "sip:mona@[remote_ip]", "sip:sender@example.org", "sip:mona@[remote_ip]", 70, "")),
                Sipp.pause(100));
        Await.until("the misnamed peer saw a handshake", 10, () -> misnamedPeer.handshakesFailed.get() > 0);
        assertNull("no request reached a peer whose certificate names another host", misnamedPeer.received.poll(2, java.util.concurrent.TimeUnit.SECONDS));

        server.sipp(Sipp.send(Requests.request("MESSAGE", "sip:nina@[remote_ip]", "sip:sender@example.org", "sip:nina@[remote_ip]", 70, "")),
                Sipp.recv(200));
        assertTrue(namedPeer.received.poll(10, java.util.concurrent.TimeUnit.SECONDS).startsWith("MESSAGE sip:nina@"));
        assertEquals("localhost", namedPeer.serverNames.poll(1, java.util.concurrent.TimeUnit.SECONDS));
    }

    private static void registerBehind(String user, TlsPeer peer) throws Exception {
        registerBehind(user, peer, "127.0.0.1");
    }

    private static void registerBehind(String user, TlsPeer peer, String host) throws Exception {
        String contact = "<sip:" + user + "@127.0.0.1:9>\nPath: <sip:" + host + ":" + peer.port + ";transport=tls;lr>";
        server.sipp(Sipp.send(Requests.register(user, 1, contact, "600", "")), Sipp.recv(401),
                Sipp.send(Requests.register(user, 2, contact, "600", Requests.auth(user, "pw-" + user))), Sipp.recv(200));
    }
}
