package io.pushgate.auth;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import io.pushgate.sip.LocalDomain;
import java.util.List;

/** Digest authentication and identity checks: the [auth] section. */
public final class AuthModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(AuthSettings.SECTION); }

    @Override
    public void check(Config config) {
        AuthSettings.from(config, LocalDomain.from(config).canonical());
    }
}
