package io.pushgate.runtime;

import io.pushgate.api.ManagementSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's management listener as a process on this machine reaches it (the CLI's trace, the
 * systemd watchdog): its base URL, and an HTTP client that trusts the listener's own configured
 * certificate when it speaks HTTPS.
 */
final class LocalManagement {
    private LocalManagement() {}

    static String baseUrl(ManagementSettings m) {
        String host = m.address().equals("0.0.0.0") || m.address().equals("::") ? "127.0.0.1" : m.address();
        if (host.contains(":")) host = "[" + host + "]";
        return (m.tls() ? "https://" : "http://") + host + ":" + m.port() + "/pushgate";
    }

    static HttpClient client(ManagementSettings m, Duration connectTimeout) throws IOException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (!m.tls()) return b.build();
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : TlsKeyStore.certificates(m.tlsCertificate())) {
                trust.setCertificateEntry("pushgate-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return b.sslContext(ssl).build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + m.tlsCertificate() + ": " + e.getMessage(), e);
        }
    }
}
