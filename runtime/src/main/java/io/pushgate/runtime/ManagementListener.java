package io.pushgate.runtime;

import io.pushgate.api.ManagementSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Connector;
import org.apache.log4j.Logger;

/**
 * The management HTTP listener ([management]): a connector of its own on the container's host,
 * loopback by default, HTTPS when a certificate and key are configured. The files are looked at
 * every {@link #CHECK_SECONDS}; when they changed, the store is written again and the connector
 * restarted, so a renewed certificate is served without restarting Pushgate.
 */
final class ManagementListener implements AutoCloseable {
    private static final Logger log = Logger.getLogger(ManagementListener.class);
    static final int CHECK_SECONDS = 5;

    private final ManagementSettings settings;
    private final Path store;
    private final char[] password;
    private Connector connector;
    private FileTime certTime;
    private FileTime keyTime;
    private ScheduledExecutorService watcher;

    ManagementListener(ManagementSettings settings, Path workDir) {
        this.settings = settings;
        this.store = workDir.resolve("conf/management.p12");
        this.password = Long.toHexString(new SecureRandom().nextLong()).toCharArray();
    }

    /** The connector to add to the container's service, or null when the listener is off. */
    Connector connector() throws Exception {
        if (!settings.enabled()) return null;
        connector = new Connector("HTTP/1.1");
        connector.setPort(settings.port());
        connector.setAttribute("address", settings.address());
        if (settings.tls()) {
            writeStore();
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setAttribute("SSLEnabled", "true");
            connector.setAttribute("keystoreFile", store.toString());
            connector.setAttribute("keystorePass", new String(password));
            connector.setAttribute("keystoreType", "PKCS12");
            connector.setAttribute("sslProtocol", "TLS");
            connector.setAttribute("sslEnabledProtocols", "TLSv1.2,TLSv1.3");
            connector.setAttribute("clientAuth", "false");
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pushgate-management-tls");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        }
        return connector;
    }

    private void writeStore() throws Exception {
        certTime = Files.getLastModifiedTime(settings.tlsCertificate());
        keyTime = Files.getLastModifiedTime(settings.tlsKey());
        TlsKeyStore.write(settings.tlsCertificate(), settings.tlsKey(), store, password, "management");
        Files.setPosixFilePermissions(store, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    private void reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(settings.tlsCertificate()).equals(certTime) && Files.getLastModifiedTime(settings.tlsKey()).equals(keyTime)) return;
            writeStore();
            connector.stop();
            connector.start();
            log.warn("management listener: certificate reloaded from " + settings.tlsCertificate());
        } catch (Exception e) {
            log.error("management listener: new certificate not loaded, the old one stays: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (watcher != null) watcher.shutdownNow();
    }
}
