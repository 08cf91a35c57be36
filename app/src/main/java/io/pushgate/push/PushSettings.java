package io.pushgate.push;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Path;

/** The [push] section: credentials of the push services, one file per app. */
public record PushSettings(Path apnsDir, String apnsServer, Path apnsTrust, Path fcmDir, String fcmUrl, int threads,
                           int timeoutSeconds) {
    public static final ConfigSection SECTION = new ConfigSection("push",
            "Push services (APNs, FCM) that wake sleeping devices; see docs/push.md for the credential files.");
    static final ConfigKey<Path> APNS_DIR = SECTION.path("apns-dir", "./push/apns",
            "Directory of APNs apps: one <bundle-id>.properties per app (token or certificate auth, environment).");
    static final ConfigKey<String> APNS_SERVER = SECTION.key("apns-server", "",
            "host:port of the APNs server; empty picks Apple's production or development server per app.", v -> {
                if (!v.isEmpty() && !v.matches("\\S+:\\d{1,5}")) throw new IllegalArgumentException("expected host:port");
                return v;
            });
    static final ConfigKey<Path> APNS_TRUST = SECTION.path("apns-trust", "",
            "PEM file of CA certificates to trust for the APNs server instead of the system's (private or test peers).");
    static final ConfigKey<Path> FCM_DIR = SECTION.path("fcm-dir", "./push/fcm",
            "Directory of FCM apps: one <project-id>.json Google service-account file per app.");
    static final ConfigKey<String> FCM_URL = SECTION.string("fcm-url", "https://fcm.googleapis.com",
            "Base URL of the FCM HTTP v1 API (messages are posted to <url>/v1/projects/<project>/messages:send).");
    static final ConfigKey<Integer> THREADS = SECTION.integer("threads", 2, 1, 64,
            "Threads that obtain OAuth2 tokens and hand pushes to the services; SIP threads never wait for a push.");
    static final ConfigKey<Integer> TIMEOUT = SECTION.integer("timeout", 10, 1, 120,
            "Seconds a push request may take before it is counted as failed.");

    public static PushSettings from(Config c) {
        return new PushSettings(c.get(APNS_DIR), c.get(APNS_SERVER), c.get(APNS_TRUST), c.get(FCM_DIR), c.get(FCM_URL),
                c.get(THREADS), c.get(TIMEOUT));
    }
}
