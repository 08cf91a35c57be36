package io.pushgate.push.webhook;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigSection;
import io.pushgate.push.CredentialDirectory;
import io.pushgate.push.PushProvider;
import io.pushgate.push.PushService;
import io.pushgate.push.PushSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** The webhook: pushes for the configured pn-provider values, posted to the operator's backend. */
public final class WebhookProvider implements PushProvider {
    @Override
    public List<ConfigSection> sections() { return List.of(WebhookSettings.SECTION); }

    @Override
    public void check(Config config) {
        WebhookSettings s = WebhookSettings.from(config);
        if (s.enabled()) secret(s);
    }

    static byte[] secret(WebhookSettings s) {
        String key = WebhookSettings.SECRET_FILE.qualifiedName();
        if (s.secretFile().toString().isEmpty()) throw new ConfigException(key, "required when push-webhook.url is set");
        byte[] secret;
        try {
            secret = Files.readString(s.secretFile()).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + s.secretFile() + ": " + e.getMessage());
        }
        if (secret.length < 16) throw new ConfigException(key, s.secretFile() + " holds fewer than 16 bytes");
        return secret;
    }

    @Override
    public Set<String> providers(Config config) {
        WebhookSettings s = WebhookSettings.from(config);
        return s.enabled() ? Set.copyOf(s.providers()) : Set.of();
    }

    @Override
    public String credentialsStamp(Config config) {
        WebhookSettings s = WebhookSettings.from(config);
        return s.enabled() ? CredentialDirectory.fileStamp(s.secretFile()) : "";
    }

    @Override
    public PushService open(Config config, ExecutorService executor) {
        WebhookSettings s = WebhookSettings.from(config);
        return new WebhookService(s, s.enabled() ? secret(s) : null, PushSettings.from(config).timeoutSeconds(), executor);
    }
}
