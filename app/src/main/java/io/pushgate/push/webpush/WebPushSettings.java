package io.pushgate.push.webpush;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Path;

/** The [push-webpush] section: the VAPID key pair and who the push services may contact about it. */
record WebPushSettings(Path vapidKeyFile, String subject) {
    static final ConfigSection SECTION = new ConfigSection("push-webpush",
            "WebPush (RFC 8030) for browsers (pn-provider webpush): encrypted payloads (RFC 8291), VAPID (RFC 8292).");
    static final ConfigKey<Path> VAPID_KEY_FILE = SECTION.path("vapid-key-file", "",
            "File of the VAPID key pair (public X.509 and private PKCS#8, base64, one per line); made at first start if missing. Empty: WebPush off.");
    static final ConfigKey<String> SUBJECT = SECTION.key("subject", "",
            "Contact the push services may use about our pushes: mailto:... or https://...; required with vapid-key-file.", v -> {
                if (!v.isEmpty() && !v.startsWith("mailto:") && !v.startsWith("https://")) {
                    throw new IllegalArgumentException("expected a mailto: or https: URI");
                }
                return v;
            });

    static WebPushSettings from(Config c) {
        return new WebPushSettings(c.get(VAPID_KEY_FILE), c.get(SUBJECT));
    }

    boolean enabled() { return !vapidKeyFile.toString().isEmpty(); }
}
