package io.pushgate.routing;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Sanity checks, relay guard, aliases, location routing and relay: the [router] section and the alias table. */
public final class RoutingModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(RouterSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(Alias.class); }

    @Override
    public void check(Config config) {
        RouterSettings.from(config);
    }
}
