package io.pushgate.trace;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Per-call traces and the pushed-call metrics: the [trace] section. */
public final class TraceModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(TraceSettings.SECTION); }
}
