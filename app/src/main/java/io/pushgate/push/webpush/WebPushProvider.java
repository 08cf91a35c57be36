package io.pushgate.push.webpush;

import com.interaso.webpush.VapidKeys;
import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.SecretFile;
import io.pushgate.config.ConfigSection;
import io.pushgate.push.CredentialDirectory;
import io.pushgate.push.PushProvider;
import io.pushgate.push.PushService;
import io.pushgate.push.PushSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** WebPush for browsers: pn-provider webpush. */
public final class WebPushProvider implements PushProvider {
    private static final Logger log = LoggerFactory.getLogger(WebPushProvider.class);

    @Override
    public List<ConfigSection> sections() { return List.of(WebPushSettings.SECTION); }

    @Override
    public void check(Config config) {
        WebPushSettings s = WebPushSettings.from(config);
        if (!s.enabled()) return;
        if (s.subject().isEmpty()) throw new ConfigException(WebPushSettings.SUBJECT.qualifiedName(), "required when vapid-key-file is set");
        Path f = s.vapidKeyFile();
        if (Files.exists(f)) {
            read(f);
        } else {
            Path dir = f.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new ConfigException(WebPushSettings.VAPID_KEY_FILE.qualifiedName(), "missing, and " + dir + " is not a writable directory to make it in");
            }
        }
    }

    @Override
    public Set<String> providers(Config config) { return WebPushSettings.from(config).enabled() ? Set.of("webpush") : Set.of(); }

    @Override
    public String credentialsStamp(Config config) {
        WebPushSettings s = WebPushSettings.from(config);
        return s.enabled() ? CredentialDirectory.fileStamp(s.vapidKeyFile()) : "";
    }

    @Override
    public PushService open(Config config, ExecutorService executor) {
        WebPushSettings s = WebPushSettings.from(config);
        int timeout = PushSettings.from(config).timeoutSeconds();
        if (!s.enabled()) return new WebPushService(null, null, timeout, executor);
        VapidKeys keys = Files.exists(s.vapidKeyFile()) ? read(s.vapidKeyFile()) : generate(s.vapidKeyFile());
        return new WebPushService(s.subject(), keys, timeout, executor);
    }

    private static VapidKeys read(Path f) {
        try {
            List<String> lines = Files.readAllLines(f).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (lines.size() != 2) throw new IllegalArgumentException("expected two lines, the public then the private key");
            return VapidKeys.create(lines.get(0), lines.get(1));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(WebPushSettings.VAPID_KEY_FILE.qualifiedName(), f + ": " + e.getMessage());
        }
    }

    /** A new key pair, readable by this user only: browsers bind their subscriptions to its public key. */
    private static VapidKeys generate(Path f) {
        VapidKeys keys = VapidKeys.generate();
        try {
            SecretFile.write(f, (keys.getX509PublicKey() + "\n" + keys.getPkcs8PrivateKey() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new ConfigException(WebPushSettings.VAPID_KEY_FILE.qualifiedName(), "cannot write " + f + ": " + e.getMessage());
        }
        log.info("WebPush: made a VAPID key pair in {}", f);
        return keys;
    }
}
