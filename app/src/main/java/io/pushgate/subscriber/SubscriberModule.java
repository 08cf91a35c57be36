package io.pushgate.subscriber;

import io.pushgate.config.ConfigSection;
import io.pushgate.pipeline.Module;
import java.util.List;

/** Accounts: the subscriber table (their realm and password storage are [auth]'s). */
public final class SubscriberModule implements Module {
    @Override
    public List<ConfigSection> sections() { return List.of(); }

    @Override
    public List<Class<?>> entities() { return List.of(Subscriber.class); }
}
