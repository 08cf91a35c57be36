package io.pushgate.push.fcm;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.push.CredentialDirectory;
import io.pushgate.push.PushProvider;
import io.pushgate.push.PushService;
import io.pushgate.push.PushSettings;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** FCM: pn-provider fcm, pn-param the project id. */
public final class FcmProvider implements PushProvider {
    @Override
    public List<ConfigSection> sections() { return List.of(FcmSettings.SECTION); }

    /** Every service-account file is read (no token is fetched), so a bad one fails the check. */
    @Override
    public void check(Config config) {
        FcmSettings s = FcmSettings.from(config);
        CredentialDirectory.require(FcmSettings.DIR, s.dir());
        FcmService.readProjects(s);
    }

    @Override
    public Set<String> providers(Config config) { return Set.of("fcm"); }

    @Override
    public String credentialsStamp(Config config) { return CredentialDirectory.stamp(FcmSettings.from(config).dir()); }

    @Override
    public PushService open(Config config, ExecutorService executor) {
        return new FcmService(FcmSettings.from(config), PushSettings.from(config).timeoutSeconds(), executor);
    }
}
