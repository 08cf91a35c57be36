package io.pushgate.gateway;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The push gateway role: the [gateway] and [fork-late] sections and the stored message table. */
public final class GatewayModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(GatewaySettings.SECTION, ForkSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(StoredMessage.class); }

    @Override
    public void check(Config config) {
        GatewaySettings.from(config);
        ForkSettings.from(config);
    }
}
