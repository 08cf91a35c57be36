package io.pushgate.api;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The management HTTP API: the [management] section and the API keys. */
public final class ApiModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(ManagementSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(ApiKey.class); }

    @Override
    public void check(Config config) {
        ManagementSettings.from(config);
    }
}
