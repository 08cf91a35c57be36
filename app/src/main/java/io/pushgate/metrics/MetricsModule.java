package io.pushgate.metrics;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Prometheus metrics: the [metrics] section. Each module keeps its own metric families beside its code. */
public final class MetricsModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(MetricsSettings.SECTION); }
}
