package io.pushgate.registrar;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The registrar: the [registrar] section and the binding table. */
public final class RegistrarModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(RegistrarSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(BindingRecord.class); }

    @Override
    public void check(Config config) {
        RegistrarSettings.from(config);
    }
}
