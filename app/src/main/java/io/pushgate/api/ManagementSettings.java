package io.pushgate.api;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Files;
import java.nio.file.Path;

/** The [management] section: the HTTP listener of the management API and console, apart from the public one. */
public record ManagementSettings(String address, int port, Path tlsCertificate, Path tlsKey, int maxFailures, int lockoutSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("management",
            "The management HTTP listener: the API (docs/provisioning.md) and console, never the public web phone's listener.");
    static final ConfigKey<String> ADDRESS = SECTION.string("address", "127.0.0.1", "IP address it listens on; loopback by default.");
    static final ConfigKey<Integer> PORT = SECTION.integer("port", 8081, 0, 65535, "Its TCP port; 0 turns it off.");
    static final ConfigKey<Path> CERT = SECTION.path("tls-certificate", "",
            "PEM certificate chain: with tls-key the listener speaks HTTPS; the files are read again when they change.");
    static final ConfigKey<Path> KEY = SECTION.path("tls-key", "", "PEM private key (PKCS#8) for tls-certificate.");
    static final ConfigKey<Integer> MAX_FAILURES = SECTION.integer("max-failures", 10, 1, 1_000_000,
            "Requests with a missing or wrong API key from one source within a minute before it is locked out.");
    static final ConfigKey<Integer> LOCKOUT = SECTION.integer("lockout", 300, 0, 86400,
            "Seconds a locked-out source is answered 429 without looking at its key.");

    public static ManagementSettings from(Config c) {
        ManagementSettings s = new ManagementSettings(c.get(ADDRESS).trim(), c.get(PORT), c.get(CERT), c.get(KEY), c.get(MAX_FAILURES), c.get(LOCKOUT));
        boolean cert = !s.tlsCertificate.toString().isEmpty();
        boolean key = !s.tlsKey.toString().isEmpty();
        if (cert != key) throw new ConfigException((cert ? KEY : CERT).qualifiedName(), "tls-certificate and tls-key go together");
        if (cert && !Files.isReadable(s.tlsCertificate)) throw new ConfigException(CERT.qualifiedName(), "cannot read " + s.tlsCertificate);
        if (key && !Files.isReadable(s.tlsKey)) throw new ConfigException(KEY.qualifiedName(), "cannot read " + s.tlsKey);
        return s;
    }

    public boolean enabled() { return port > 0; }

    public boolean tls() { return !tlsCertificate.toString().isEmpty(); }
}
