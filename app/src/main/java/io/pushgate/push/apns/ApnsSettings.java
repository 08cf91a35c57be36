package io.pushgate.push.apns;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Path;

/** The [push-apns] section: where the apps' credential files are and which server to talk to. */
record ApnsSettings(Path dir, String server, Path trust) {
    static final ConfigSection SECTION = new ConfigSection("push-apns",
            "Apple Push Notification service (pn-provider apns and apns.dev), through Pushy.");
    static final ConfigKey<Path> DIR = SECTION.path("dir", "./push/apns",
            "Directory of APNs apps: one <bundle-id>.properties per app (token or certificate auth, environment).");
    static final ConfigKey<String> SERVER = SECTION.key("server", "",
            "host:port of the APNs server; empty picks Apple's production or development server per app.", v -> {
                if (!v.isEmpty() && !v.matches("\\S+:\\d{1,5}")) throw new IllegalArgumentException("expected host:port");
                return v;
            });
    static final ConfigKey<Path> TRUST = SECTION.path("trust", "",
            "PEM file of CA certificates to trust for the APNs server instead of the system's (private or test peers).");

    static ApnsSettings from(Config c) {
        return new ApnsSettings(c.get(DIR), c.get(SERVER), c.get(TRUST));
    }
}
