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
    static final ConfigKey<String> URL = SECTION.string("url", "https://fcm.googleapis.com",
            "Base URL of the FCM HTTP v1 API (messages are posted to <url>/v1/projects/<project>/messages:send).");

    static FcmSettings from(Config c) {
        return new FcmSettings(c.get(DIR), c.get(URL));
    }
}
