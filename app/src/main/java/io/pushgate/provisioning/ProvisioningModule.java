package io.pushgate.provisioning;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Getting accounts into phones: the [provisioning] section and the single-use link tokens. */
public final class ProvisioningModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(ProvisioningSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(ProvisioningToken.class); }

    @Override
    public void check(Config config) {
        ProvisioningSettings.from(config);
    }
}
