package io.pushgate.heldcall;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Waiting calls that survive a crash: the [held-calls] section and the held_call table. */
public final class HeldCallModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(HeldCallSettings.SECTION); }

    @Override
    public List<Class<?>> entities() { return List.of(HeldCall.class); }
}
