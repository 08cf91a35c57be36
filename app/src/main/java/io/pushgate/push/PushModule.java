package io.pushgate.push;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** What every push service shares: the [push] section. Each service is a module of its own (PushProvider). */
public final class PushModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(PushSettings.SECTION); }
}
