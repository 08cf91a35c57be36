package io.pushgate.push.apns;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigSection;
import io.pushgate.push.CredentialDirectory;
import io.pushgate.push.PushProvider;
import io.pushgate.push.PushService;
import io.pushgate.push.PushSettings;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** APNs: pn-provider apns (production) and apns.dev (Apple's development server). */
public final class ApnsProvider implements PushProvider {
    @Override
    public List<ConfigSection> sections() { return List.of(ApnsSettings.SECTION); }

    /** Every app file and the key or certificate it names is read (nothing is sent), so a bad one fails the check. */
    @Override
    public void check(Config config) {
        ApnsSettings s = ApnsSettings.from(config);
        CredentialDirectory.require(ApnsSettings.DIR, s.dir());
        if (!s.trust().toString().isEmpty() && !Files.isReadable(s.trust())) {
            throw new ConfigException(ApnsSettings.TRUST.qualifiedName(), "cannot read " + s.trust());
        }
        ApnsService.readApps(s);
    }

    @Override
    public Set<String> providers(Config config) { return Set.of("apns", "apns.dev"); }

    @Override
    public String credentialsStamp(Config config) {
        ApnsSettings s = ApnsSettings.from(config);
        return CredentialDirectory.stamp(s.dir()) + (s.trust().toString().isEmpty() ? "" : CredentialDirectory.fileStamp(s.trust()));
    }

    /** Token keys (.p8) do not expire; certificates (.p12) do, and Apple's last a year. */
    @Override
    public List<String> expiringBefore(Config config, Instant horizon) {
        List<String> soon = new ArrayList<>();
        for (ApnsService.App app : ApnsService.readApps(ApnsSettings.from(config))) {
            if (app.certificate() == null) continue;
            Instant notAfter = ApnsService.certificateExpiry(app);
            if (notAfter != null && notAfter.isBefore(horizon)) {
                soon.add("APNs certificate of " + app.bundleId() + " (" + app.certificate().getFileName() + ") expires " + notAfter);
            }
        }
        return soon;
    }

    @Override
    public PushService open(Config config, ExecutorService executor) {
        return new ApnsService(ApnsSettings.from(config), PushSettings.from(config).timeoutSeconds());
    }
}
