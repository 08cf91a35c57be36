package io.pushgate.push.fcm;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Path;

/** The [push-fcm] section: the projects' service-account files and the API's address. */
record FcmSettings(Path dir, String url) {
    static final ConfigSection SECTION = new ConfigSection("push-fcm",
            "Firebase Cloud Messaging HTTP v1 (pn-provider fcm).");
    static final ConfigKey<Path> DIR = SECTION.path("dir", "./push/fcm",
            "Directory of FCM apps: one <project-id>.json Google service-account file per app.");
    static final ConfigKey<String> URL = SECTION.key("url", "https://fcm.googleapis.com",
            "Base URL of the FCM HTTP v1 API (messages are posted to <url>/v1/projects/<project>/messages:send); https, or http to this machine only.",
            FcmSettings::secure);

    /** Tokens and service-account bearer tokens travel to this URL: plain http only to a stand-in on this machine. */
    static String secure(String url) {
        java.net.URI u = java.net.URI.create(url.trim());
        boolean loopback = u.getHost() != null && (u.getHost().equals("localhost") || u.getHost().startsWith("127.") || u.getHost().equals("[::1]"));
        if ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && loopback) return url.trim();
        throw new IllegalArgumentException("expected an https:// URL (http:// only to this machine), got " + url);
    }

    static FcmSettings from(Config c) {
        return new FcmSettings(c.get(DIR), c.get(URL));
    }
}
