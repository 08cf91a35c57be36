package io.pushgate.push.webhook;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The [push-webhook] section: the operator's own push backend. */
record WebhookSettings(String url, Path secretFile, List<String> providers) {
    static final ConfigSection SECTION = new ConfigSection("push-webhook",
            "An HTTP POST of each push, signed with HMAC-SHA256, to the operator's own push backend (docs/push.md).");
    static final ConfigKey<String> URL = SECTION.key("url", "",
            "http(s) URL the pushes are posted to; empty turns the webhook off.", v -> {
                if (v.isEmpty()) return v;
                URI u = URI.create(v);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("expected an http or https URL");
                }
                return v;
            });
    static final ConfigKey<Path> SECRET_FILE = SECTION.path("secret-file", "",
            "File holding the HMAC key (at least 16 bytes) that signs every POST; required with url.");
    static final ConfigKey<List<String>> PROVIDERS = SECTION.list("providers", "webhook",
            "pn-provider values whose pushes go to the webhook (listing fcm or apns here takes them from those services).");

    static WebhookSettings from(Config c) {
        return new WebhookSettings(c.get(URL), c.get(SECRET_FILE), c.get(PROVIDERS));
    }

    boolean enabled() { return !url.isEmpty(); }
}
