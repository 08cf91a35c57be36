package io.pushgate.server;

import io.pushgate.metrics.RequestOutcomes;
import io.pushgate.config.ConfigException;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.pipeline.TransactionLinger;
import io.pushgate.push.PushDispatcher;
import io.pushgate.pushserver.EarlyMediaAudio;
import io.pushgate.pushserver.PushCallServer;
import io.pushgate.pushserver.PushServerSettings;
import io.pushgate.pushserver.RtpStreamer;
import io.pushgate.routing.RequestSanity;
import java.util.List;
import javax.servlet.sip.ServletParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The push application server (docs/push-server.md): a B2BUA for calls to sleeping phones. */
final class PushServerRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(PushServerRole.class);

    private final PushDispatcher push;
    private final RtpStreamer rtp;
    private final RequestPipeline pipeline;

    PushServerRole(Assembly a) {
        PushServerSettings settings = PushServerSettings.from(a.config());
        String address = settings.rtpAddress().isEmpty() ? a.domain().firstListeningHost() : settings.rtpAddress();
        EarlyMediaAudio audio = EarlyMediaAudio.load(settings.announcement());
        this.push = new PushDispatcher(a.config(), Modules.pushProviders());
        this.rtp = new RtpStreamer(audio, address, settings.rtpPortMin(), settings.rtpPortMax());
        PushCallServer calls;
        try {
            calls = new PushCallServer(settings, a.factory(), push, rtp, a.timers(), a.traces(), a.heldCalls(), a.clock());
        } catch (ServletParseException e) {
            close();
            throw new ConfigException("push-server.proxy", "not a SIP address: " + e.getMessage());
        }
        this.pipeline = new RequestPipeline(List.of(
                new TransactionLinger(a.router().nonInviteLingerMs()),
                new RequestOutcomes(),
                new RequestSanity(a.domain()),
                calls));
        log.info("push application server: calls from {}{} wait {} s with early media from {}, registrations watched at {}",
                settings.acceptFrom().isEmpty() ? settings.proxy() : settings.acceptFrom(),
                settings.dispatchers().isEmpty() ? "" : " (also through the dispatchers " + settings.dispatchers() + ")",
                settings.waitTimeoutSeconds(), address, "the node that sent each call, else " + settings.proxyUri());
        boolean zgc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(gc -> gc.getName().startsWith("ZGC"));
        if (!zgc) {
            // Measured: hand-back p99 5-13 ms on ZGC, 10-50 ms on G1 (docs/tuning.md, bench/push-server-handback.py).
            log.warn("push application server without ZGC: collection pauses delay hand-backs; "
                    + "bin/pushgate starts it with ZGC unless [server] collector or PUSHGATE_JAVA_OPTS says otherwise (docs/tuning.md)");
        }
    }

    @Override
    public RequestPipeline pipeline() { return pipeline; }

    @Override
    public void close() {
        rtp.close();
        push.close();
    }
}
