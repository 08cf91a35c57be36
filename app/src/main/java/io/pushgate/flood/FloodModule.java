package io.pushgate.flood;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Flood protection: the [flood] section; the runtime's stack valve applies {@link SourceRateLimit}. */
public final class FloodModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(FloodSettings.SECTION); }
}
