package io.pushgate.runtime;

import io.pushgate.config.ConfigException;
import io.pushgate.config.SecretFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Turns the PEM certificate and key of the configuration into a PKCS#12 store: in memory for the
 * SIP stack ({@link SipTlsManagers}), on disk for the management listener's connector; errors name the section's keys ({@code section}.tls-certificate).
 */
final class TlsKeyStore {
    private TlsKeyStore() {}

    static Path write(Path certificate, Path key, Path target, char[] password) {
        return write(certificate, key, target, password, "server");
    }

    static Path write(Path certificate, Path key, Path target, char[] password, String section) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            load(certificate, key, password, section).store(out, password);
            SecretFile.write(target, out.toByteArray());
            return target;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(section + ".tls-key", "cannot use " + certificate + " and " + key + ": " + e.getMessage());
        }
    }

    /** The certificate chain and key as an in-memory store, the key under the alias "pushgate". */
    static KeyStore load(Path certificate, Path key, char[] password, String section) {
        try {
            Collection<? extends Certificate> chain = certificates(certificate);
            if (chain.isEmpty()) throw new ConfigException(section + ".tls-certificate", "no certificate in " + certificate);
            PrivateKey pk = privateKey(Files.readString(key, StandardCharsets.US_ASCII), section);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("pushgate", pk, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(section + ".tls-key", "cannot use " + certificate + " and " + key + ": " + e.getMessage());
        }
    }

    /** Every certificate of a PEM file. */
    static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    private static PrivateKey privateKey(String pem, String section) throws GeneralSecurityException {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new ConfigException(section + ".tls-key", "expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        String b64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next key type
            }
        }
        throw new GeneralSecurityException("key is neither RSA, EC nor Ed25519");
    }
}
