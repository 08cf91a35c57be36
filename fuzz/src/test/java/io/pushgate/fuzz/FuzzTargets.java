package io.pushgate.fuzz;

import java.util.List;
import java.util.function.Supplier;

/** Every fuzz target, by the name of its corpus directory (fuzz/corpus/NAME). A new target is a class plus one line here. */
enum FuzzTargets {
    SIP(SipMessageTarget.class, SipMessageTarget::instance, 4000),
    PUSH_PARAMS(PushParamsTarget.class, PushParamsTarget::new, 400_000),
    CONFIG(ConfigTarget.class, ConfigTarget::new, 4000),
    API(ManagementApiTarget.class, ManagementApiTarget::instance, 30_000);

    final Class<?> type;
    final Supplier<FuzzTarget> target;
    /** Inputs tried in the tests' bounded run: about 10 s of this target on the development machine. */
    final int testRuns;

    FuzzTargets(Class<?> type, Supplier<FuzzTarget> target, int testRuns) {
        this.type = type;
        this.target = target;
        this.testRuns = testRuns;
    }

    String corpusName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static List<FuzzTargets> all() {
        return List.of(values());
    }
}
