package io.pushgate.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: every family of the registry in the Prometheus text format. The families
 * are the ones each module registers beside its code, the container's counts (SipTrafficMetrics)
 * and the JVM's, which are registered once here.
 */
public final class MetricsEndpoint {
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    private static boolean jvmRegistered;

    private MetricsEndpoint() {}

    public static ApiRoute route(MetricsSettings settings) {
        registerProcessMetrics();
        return new ApiRoute("GET", "/metrics", settings.requireKey() ? ApiScope.READ : null, r -> scrape());
    }

    static synchronized void registerProcessMetrics() {
        if (jvmRegistered) return;
        // every JVM group but the allocation counters, whose GC listener would keep each
        // redeployed application's classes alive (docs/container.md)
        JvmThreadsMetrics.builder().register();
        JvmMemoryMetrics.builder().register();
        JvmGarbageCollectorMetrics.builder().register();
        JvmBufferPoolMetrics.builder().register();
        JvmClassLoadingMetrics.builder().register();
        JvmCompilationMetrics.builder().register();
        JvmRuntimeInfoMetric.builder().register();
        ProcessMetrics.builder().register();
        SipTrafficMetrics.register(PrometheusRegistry.defaultRegistry);
        jvmRegistered = true;
    }

    /**
     * Ends the metrics client's scheduler thread, which it starts once per class loader and never
     * stops: each redeployment through the container's Manager would leave one behind, holding the
     * old application's classes.
     */
    public static void release() {
        try {
            java.lang.reflect.Field f = Class.forName("io.prometheus.metrics.core.util.Scheduler").getDeclaredField("executor");
            f.setAccessible(true);
            ((java.util.concurrent.ExecutorService) f.get(null)).shutdownNow();
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MetricsEndpoint.class).debug("metrics scheduler not stopped: {}", e.toString());
        }
    }

    static ApiResponse scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            WRITER.write(out, PrometheusRegistry.defaultRegistry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ApiResponse.bytes(out.toByteArray(), PrometheusTextFormatWriter.CONTENT_TYPE);
    }
}
