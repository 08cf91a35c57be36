package io.pushgate.wakeup;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Wake-up pushes before expiry: the [wake-up] section and, with several servers, their claims. */
public final class WakeUpModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(WakeUpSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(WakeUpClaim.class); }
}
