package io.pushgate.sip;

import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.DigestAuthenticator;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.auth.IdentityCheck;
import io.pushgate.auth.NonceIssuer;
import io.pushgate.config.ConfigException;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.pushserver.PushServerSettings;
import io.pushgate.pushserver.SleepingCalleeRouter;
import io.pushgate.regevent.RegEventServer;
import io.pushgate.regevent.RegEventSettings;
import io.pushgate.registrar.Registrar;
import io.pushgate.routing.AliasResolver;
import io.pushgate.routing.AliasTable;
import io.pushgate.routing.EventPackageGate;
import io.pushgate.routing.ForeignRelay;
import io.pushgate.routing.LocationRouter;
import io.pushgate.routing.RelayGuard;
import io.pushgate.routing.RequestSanity;
import io.pushgate.routing.WebSocketFlows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registrar and proxy of a local domain, the default role (docs/pipeline.md). */
final class RegistrarRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(RegistrarRole.class);

    private final RegEventServer regEvent;
    private final PushDevices pushDevices;
    private final long pushDeviceTtlMs;
    private final WebSocketFlows webSocketFlows = new WebSocketFlows();
    private final SleepingCalleeRouter sleepingCallees;
    private final RequestPipeline pipeline;

    RegistrarRole(Assembly a, PushServerSettings pushServer) {
        LocalDomain domain = a.domain();
        AuthSettings auth = a.auth();
        RegEventSettings regEventSettings = RegEventSettings.from(a.config());
        this.regEvent = regEventSettings.enabled()
                ? new RegEventServer(regEventSettings, domain, a.subscribers(), a.bindings(), auth.trustedPeers(), a.timers(), a.clock())
                : null;
        this.pushDevices = new PushDevices(a.db(), a.clock());
        this.pushDeviceTtlMs = pushServer.deviceTtlDays() * 86_400_000L;
        a.bindings().addListener(webSocketFlows);
        a.bindings().addListener(pushDevices);

        List<RequestStep> steps = new ArrayList<>(List.of(
                new RequestSanity(domain),
                webSocketFlows,
                new DigestAuthenticator(auth, domain, a.subscribers(),
                        new NonceIssuer(auth.nonceLifetimeSeconds(), auth.nonceCacheSize(), a.clock()),
                        new FailureThrottle(auth.maxFailures(), auth.failureWindowSeconds(), auth.lockoutSeconds(), a.clock())),
                new IdentityCheck(domain),
                new Registrar(a.registrar(), domain, a.subscribers(), a.bindings(), a.clock())));
        if (regEvent != null) steps.add(regEvent);
        steps.addAll(List.of(
                new RelayGuard(domain, auth.trustedPeers()),
                new EventPackageGate(domain, regEvent != null),
                new AliasResolver(domain, a.subscribers(), new AliasTable(a.db(), a.clock()), a.factory())));
        if (a.media() != null) steps.add(a.media());
        if (!pushServer.routeTo().isEmpty()) {
            try {
                this.sleepingCallees = new SleepingCalleeRouter(domain, a.subscribers(), a.bindings(), pushDevices, a.forwarder(),
                        a.factory(), pushServer.routeTo());
            } catch (ServletParseException e) {
                throw new ConfigException("push-server.route-to", "not a SIP URI: " + e.getMessage());
            }
            steps.add(sleepingCallees);
            log.info("calls for users with only sleeping push devices go to {}", pushServer.routeTo());
        } else {
            this.sleepingCallees = null;
        }
        steps.add(new LocationRouter(domain, a.subscribers(), a.bindings(), a.targets()));
        steps.add(new ForeignRelay(a.forwarder()));
        this.pipeline = new RequestPipeline(steps);
    }

    @Override
    public RequestPipeline pipeline() { return pipeline; }

    @Override
    public boolean onSubsequent(SipServletRequest req) throws IOException {
        if (regEvent != null && regEvent.onSubsequent(req)) return true;
        webSocketFlows.route(req);
        return false;
    }

    @Override
    public void onResponse(SipServletResponse resp) {
        if (regEvent != null) regEvent.onResponse(resp);
        if (sleepingCallees != null) sleepingCallees.onResponse(resp);
    }

    @Override
    public void purge() {
        int d = pushDevices.purgeOlderThan(pushDeviceTtlMs);
        if (d > 0) log.info("forgot {} push devices not seen for {} days", d, pushDeviceTtlMs / 86_400_000L);
    }
}
