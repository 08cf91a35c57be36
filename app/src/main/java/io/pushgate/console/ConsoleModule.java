package io.pushgate.console;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** The consoles' users (console_user); the pages are served on the management listener. */
public final class ConsoleModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(); }

    @Override
    public List<Class<?>> entities() { return List.of(ConsoleUser.class); }
}
