package io.pushgate.runtime;

import gov.nist.core.net.SecurityManagerProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.log4j.Logger;

/**
 * The SIP stack's TLS keys and trust (its SECURITY_MANAGER_PROVIDER). The stack's own provider
 * would read one key store for both, so outbound TLS trusted only our own certificate and no real
 * peer verified. Here the key is the configured certificate and key, read again when the files
 * change (looked at, at most every {@link #CHECK_SECONDS}, when a handshake needs them), and the
 * trust is the system's authorities plus [server] tls-trust.
 */
public final class SipTlsManagers implements SecurityManagerProvider {
    private static final Logger log = Logger.getLogger(SipTlsManagers.class);
    static final String CERTIFICATE = "pushgate.tls.certificate";
    static final String KEY = "pushgate.tls.key";
    static final String TRUST = "pushgate.tls.trust";
    static final int CHECK_SECONDS = 5;

    private KeyManager[] keys;
    private TrustManager[] trust;

    @Override
    public void init(Properties properties) throws GeneralSecurityException, IOException {
        String certificate = properties.getProperty(CERTIFICATE);
        if (certificate == null) return;
        keys = new KeyManager[] {new Reloading(Path.of(certificate), Path.of(properties.getProperty(KEY)))};
        trust = trustManagers(properties.getProperty(TRUST, ""));
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return keys;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return trust;
    }

    /** The system's authorities, and those of the PEM file {@code extra} when one is named. */
    static TrustManager[] trustManagers(String extra) throws GeneralSecurityException, IOException {
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        if (extra.isEmpty()) return system.getTrustManagers();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (TrustManager tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) for (X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("system-" + n++, c);
        }
        for (Certificate c : TlsKeyStore.certificates(Path.of(extra))) store.setCertificateEntry("configured-" + n++, c);
        TrustManagerFactory all = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        all.init(store);
        return all.getTrustManagers();
    }

    /** The configured certificate and key, read again when either file changes; a broken new pair leaves the old one in use. */
    static final class Reloading extends X509ExtendedKeyManager {
        private final Path certificate;
        private final Path key;
        private volatile X509ExtendedKeyManager current;
        private volatile FileTime certificateTime;
        private volatile FileTime keyTime;
        private volatile long checkedAt;

        Reloading(Path certificate, Path key) throws GeneralSecurityException, IOException {
            this.certificate = certificate;
            this.key = key;
            load();
        }

        private void load() throws GeneralSecurityException, IOException {
            FileTime c = Files.getLastModifiedTime(certificate);
            FileTime k = Files.getLastModifiedTime(key);
            char[] password = Long.toHexString(new java.security.SecureRandom().nextLong()).toCharArray();
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(TlsKeyStore.load(certificate, key, password, "server"), password);
            current = (X509ExtendedKeyManager) f.getKeyManagers()[0];
            certificateTime = c;
            keyTime = k;
        }

        private X509ExtendedKeyManager manager() {
            long now = System.nanoTime();
            if (now - checkedAt > CHECK_SECONDS * 1_000_000_000L) {
                checkedAt = now;
                try {
                    if (!Files.getLastModifiedTime(certificate).equals(certificateTime) || !Files.getLastModifiedTime(key).equals(keyTime)) {
                        load();
                        log.warn("SIP TLS: certificate reloaded from " + certificate);
                    }
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    log.error("SIP TLS: new certificate not loaded, the old one stays: " + e.getMessage());
                }
            }
            return current;
        }

        @Override public String[] getClientAliases(String type, Principal[] issuers) { return manager().getClientAliases(type, issuers); }
        @Override public String chooseClientAlias(String[] type, Principal[] issuers, Socket s) { return manager().chooseClientAlias(type, issuers, s); }
        @Override public String[] getServerAliases(String type, Principal[] issuers) { return manager().getServerAliases(type, issuers); }
        @Override public String chooseServerAlias(String type, Principal[] issuers, Socket s) { return manager().chooseServerAlias(type, issuers, s); }
        @Override public X509Certificate[] getCertificateChain(String alias) { return manager().getCertificateChain(alias); }
        @Override public PrivateKey getPrivateKey(String alias) { return manager().getPrivateKey(alias); }
        @Override public String chooseEngineClientAlias(String[] type, Principal[] issuers, SSLEngine e) { return manager().chooseEngineClientAlias(type, issuers, e); }
        @Override public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine e) { return manager().chooseEngineServerAlias(type, issuers, e); }
    }
}
