package io.pushgate.regevent;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The registration event package (RFC 3680): the [reg-event] section. */
public final class RegEventModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(RegEventSettings.SECTION); }

    @Override
    public void check(Config config) {
        RegEventSettings.from(config);
    }
}
