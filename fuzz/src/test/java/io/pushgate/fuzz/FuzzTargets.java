package io.pushgate.fuzz;

import java.util.List;
import java.util.function.Supplier;

/** Every fuzz target, by the name of its corpus directory (fuzz/corpus/NAME). A new target is a class plus one line here. */
enum FuzzTargets {
    SIP(SipMessageTarget.class, SipMessageTarget::instance),
    PUSH_PARAMS(PushParamsTarget.class, PushParamsTarget::new),
    CONFIG(ConfigTarget.class, ConfigTarget::new),
    API(ManagementApiTarget.class, ManagementApiTarget::instance);

    final Class<?> type;
    final Supplier<FuzzTarget> target;

    FuzzTargets(Class<?> type, Supplier<FuzzTarget> target) {
        this.type = type;
        this.target = target;
    }

    String corpusName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static List<FuzzTargets> all() {
        return List.of(values());
    }
}
