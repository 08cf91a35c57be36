package io.pushgate.push;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Push services (APNs, FCM): the [push] section and the credential files it names. */
public final class PushModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(PushSettings.SECTION); }

    /** Every credential file is read (not sent anywhere), so a bad one fails the check, not the first call. */
    @Override
    public void check(Config config) {
        PushSettings s = PushSettings.from(config);
        requireDirectory(PushSettings.APNS_DIR, s.apnsDir());
        requireDirectory(PushSettings.FCM_DIR, s.fcmDir());
        if (!s.apnsTrust().toString().isEmpty() && !Files.isReadable(s.apnsTrust())) {
            throw new ConfigException(PushSettings.APNS_TRUST.qualifiedName(), "cannot read " + s.apnsTrust());
        }
        ApnsService.readApps(s);
        FcmService.readProjects(s);
    }

    /** The default directories may be absent (no app of that kind); any other one named must exist. */
    private static void requireDirectory(ConfigKey<Path> key, Path dir) {
        if (!dir.toString().isEmpty() && !dir.equals(Path.of(key.defaultText())) && !Files.isDirectory(dir)) {
            throw new ConfigException(key.qualifiedName(), "not a directory: " + dir);
        }
    }
}
