package io.pushgate.media;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The media relay (rtpengine): the [media] section. */
public final class MediaModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(MediaSettings.SECTION); }

    @Override
    public void check(Config config) {
        MediaSettings.from(config);
    }
}
