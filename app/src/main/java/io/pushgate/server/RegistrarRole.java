package io.pushgate.server;

import io.pushgate.metrics.RequestOutcomes;
import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.DigestAuthenticator;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.auth.IdentityCheck;
import io.pushgate.auth.NonceIssuer;
import io.pushgate.store.StoredSetting;
import io.pushgate.media.MediaAnchor;
import io.pushgate.media.MediaSettings;
import io.pushgate.media.NgClient;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.pipeline.TransactionLinger;
import io.pushgate.push.PushDispatcher;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.registrar.DeadTokenSweeper;
import io.pushgate.wakeup.ExpiryWakeUp;
import io.pushgate.wakeup.WakeUpClaims;
import io.pushgate.push.PushCapabilities;
import io.pushgate.push.PushFeatureCaps;
import io.pushgate.wakeup.WakeUpSettings;
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
import io.pushgate.sip.LocalDomain;
import io.pushgate.uac.ProviderRegistrations;
import io.pushgate.uac.ProviderTrunk;
import io.pushgate.uac.UacSettings;
import io.pushgate.uac.RemoteLineLookup;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.ServletParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registrar and proxy of a local domain, the default role (docs/pipeline.md). */
final class RegistrarRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(RegistrarRole.class);

    private final PushDevices pushDevices;
    private final long pushDeviceTtlMs;
    /** Set when [media] names an rtpengine. */
    private final NgClient ng;
    private final RequestPipeline pipeline;
    private final ProviderRegistrations registrations;
    /** Sends the wake-up pushes before expiry; calls for sleeping phones are pushed by the push application server. */
    private final PushDispatcher push;
    private final ExpiryWakeUp wakeUp;

    RegistrarRole(Assembly a) {
        LocalDomain domain = a.domain();
        AuthSettings auth = a.auth();
        PushServerSettings pushServer = PushServerSettings.from(a.config());
        RegEventSettings regEventSettings = RegEventSettings.from(a.config());
        MediaSettings media = MediaSettings.from(a.config());
        this.pushDevices = new PushDevices(a.db(), a.notices(), a.clock(), a.registrar().maxContacts());
        this.pushDeviceTtlMs = pushServer.deviceTtlDays() * 86_400_000L;
        WebSocketFlows webSocketFlows = new WebSocketFlows();
        a.bindings().addListener(webSocketFlows);
        a.bindings().addListener(pushDevices);
        this.ng = media.enabled() ? NgClient.open(media, a.clock()) : null;
        this.push = new PushDispatcher(a.config(), Modules.pushProviders());
        push.onTokenGone(new DeadTokenSweeper(a.bindings()));
        this.wakeUp = new ExpiryWakeUp(WakeUpSettings.from(a.config()), a.bindings(), push, a.timers(), a.traces(),
                new WakeUpClaims(a.db()), a.clock());

        List<RequestStep> steps = new ArrayList<>();
        this.registrations = a.providerRegistrations();
        steps.add(new TransactionLinger(a.router().nonInviteLingerMs()));
        steps.add(new RequestOutcomes());
        steps.add(new RequestSanity(domain));
        steps.add(registrations);
        steps.add(new RemoteLineLookup(registrations, a.factory()));
        steps.add(webSocketFlows);
        steps.add(new DigestAuthenticator(auth, domain, a.subscribers(),
                new NonceIssuer(StoredSetting.getOrCreate(a.db(), "nonce-key", NonceIssuer::newKey), auth.nonceLifetimeSeconds(), auth.nonceCacheSize(), a.clock()),
                new FailureThrottle(auth.maxFailures(), auth.failureWindowSeconds(), auth.lockoutSeconds(), a.clock())));
        steps.add(new IdentityCheck(domain));
        steps.add(new PushFeatureCaps(pushServer.routeTo().isEmpty() ? push : PushCapabilities.throughApplicationServer(push),
                WakeUpSettings.from(a.config()).beforeSeconds()));
        steps.add(new Registrar(a.registrar(), domain, a.subscribers(), a.bindings(), a.clock()));
        if (regEventSettings.enabled()) {
            steps.add(new RegEventServer(regEventSettings, domain, a.subscribers(), a.bindings(), auth.trustedPeers(), a.timers(), a.clock()));
        }
        steps.add(new RelayGuard(domain, auth.trustedPeers()));
        steps.add(new EventPackageGate(domain, regEventSettings.enabled()));
        steps.add(new AliasResolver(domain, a.subscribers(), new AliasTable(a.db(), a.clock()), a.factory()));
        UacSettings uac = UacSettings.from(a.config());
        if (!uac.routes().isEmpty()) {
            steps.add(new ProviderTrunk(uac.routes(), registrations, a.factory()));
            log.info("outbound routes through providers: {}", uac.routes().size());
        }
        if (ng != null) {
            steps.add(new MediaAnchor(media, ng, domain, a.bindings()));
            log.info("media relay: rtpengine {}", media.instances());
        }
        if (!pushServer.routeTo().isEmpty()) {
            steps.add(sleepingCallees(a, pushServer));
            log.info("calls for users with only sleeping push devices go to {}", pushServer.routeTo());
        }
        steps.add(new LocationRouter(domain, a.subscribers(), a.bindings(), a.targets()));
        steps.add(new ForeignRelay(a.forwarder()));
        this.pipeline = new RequestPipeline(steps);
    }

    private SleepingCalleeRouter sleepingCallees(Assembly a, PushServerSettings pushServer) {
        try {
            return new SleepingCalleeRouter(a.domain(), a.subscribers(), a.bindings(), pushDevices, a.forwarder(), a.factory(),
                    pushServer.routeTo(), a.heldCalls(), a.router().branchTimeoutSeconds());
        } catch (ServletParseException e) {
            // checked as a SIP URI before start; the container's parser may still refuse it
            throw new io.pushgate.config.ConfigException("push-server.route-to", "not a SIP URI: " + e.getMessage());
        }
    }

    @Override
    public RequestPipeline pipeline() { return pipeline; }

    @Override
    public PushDevices pushDevices() { return pushDevices; }

    @Override
    public void purge() {
        int d = pushDevices.purgeOlderThan(pushDeviceTtlMs);
        if (d > 0) log.info("forgot {} push devices not seen for {} days", d, pushDeviceTtlMs / 86_400_000L);
        wakeUp.purge();
    }

    @Override
    public void start() {
        registrations.start();
        wakeUp.start();
    }

    @Override
    public void close() {
        wakeUp.close();
        push.close();
        registrations.close();
        if (ng != null) ng.close();
    }
}
