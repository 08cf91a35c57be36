package io.pushgate.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Gauges read from a module's state at each scrape (bindings held, registrations pending). A
 * module reports its own when it is built; a later report under the same name takes over, so a
 * module built again (a redeployment, a test) does not register a second family.
 */
public final class Gauges {
    private static final Map<String, AtomicReference<Supplier<Map<String, Double>>>> SOURCES = new ConcurrentHashMap<>();

    private Gauges() {}

    public static void report(String name, String help, DoubleSupplier source) {
        register(name, help, null, () -> Map.of("", source.getAsDouble()));
    }

    /** One series per label value, e.g. remote registrations by state. */
    public static void report(String name, String help, String label, Supplier<Map<String, Double>> source) {
        register(name, help, label, source);
    }

    private static void register(String name, String help, String label, Supplier<Map<String, Double>> source) {
        AtomicReference<Supplier<Map<String, Double>>> ref = new AtomicReference<>(source);
        AtomicReference<Supplier<Map<String, Double>>> existing = SOURCES.putIfAbsent(name, ref);
        if (existing != null) {
            existing.set(source);
            return;
        }
        GaugeWithCallback.Builder b = GaugeWithCallback.builder().name(name).help(help);
        if (label != null) b.labelNames(label);
        b.callback(cb -> {
            Map<String, Double> values;
            try {
                values = new TreeMap<>(ref.get().get());
            } catch (RuntimeException unavailable) {
                return; // the store is down: no sample rather than a wrong one
            }
            values.forEach((value, v) -> {
                if (label == null) cb.call(v);
                else cb.call(v, value);
            });
        }).register();
    }
}
