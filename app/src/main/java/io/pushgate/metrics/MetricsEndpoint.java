package io.pushgate.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
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
        JvmMetrics.builder().register();
        SipTrafficMetrics.register(PrometheusRegistry.defaultRegistry);
        jvmRegistered = true;
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
