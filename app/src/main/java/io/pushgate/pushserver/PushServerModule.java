package io.pushgate.pushserver;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/**
 * The push application server, and the registrar/proxy's routing of calls to it: the
 * [push-server] section and the table of known push devices.
 */
public final class PushServerModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(PushServerSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(PushDevice.class); }

    @Override
    public void check(Config config) {
        PushServerSettings s = PushServerSettings.from(config);
        if (s.announcement() != null) EarlyMediaAudio.load(s.announcement());
    }
}
