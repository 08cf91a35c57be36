package io.pushgate.uac;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Pushgate as a client of providers (Kamailio's uac): the [uac] section and the remote registration table. */
public final class UacModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(UacSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(RemoteRegistration.class); }

    @Override
    public void check(Config config) {
        UacSettings.from(config);
    }
}
