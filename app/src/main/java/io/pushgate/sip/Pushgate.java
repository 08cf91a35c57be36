package io.pushgate.sip;

import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.DigestAuthenticator;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.auth.IdentityCheck;
import io.pushgate.auth.NonceIssuer;
import io.pushgate.config.Config;
import io.pushgate.gateway.BackendForwarder;
import io.pushgate.gateway.ContactMasquerader;
import io.pushgate.gateway.ForkLateRouter;
import io.pushgate.gateway.ForkSettings;
import io.pushgate.gateway.GatewayRegistrar;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.MessageRelay;
import io.pushgate.gateway.PendingRegistrations;
import io.pushgate.media.MediaAnchor;
import io.pushgate.media.MediaSettings;
import io.pushgate.media.NgClient;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushSettings;
import io.pushgate.pushserver.EarlyMediaAudio;
import io.pushgate.pushserver.PushCallServer;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.pushserver.PushServerSettings;
import io.pushgate.pushserver.RtpStreamer;
import io.pushgate.pushserver.SleepingCalleeRouter;
import io.pushgate.routing.BindingTarget;
import io.pushgate.store.StoredSetting;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.Registrar;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.regevent.RegEventServer;
import io.pushgate.regevent.RegEventSettings;
import io.pushgate.routing.AliasResolver;
import io.pushgate.routing.AliasTable;
import io.pushgate.routing.EventPackageGate;
import io.pushgate.routing.ForeignRelay;
import io.pushgate.routing.LocationRouter;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.routing.RelayGuard;
import io.pushgate.routing.RequestSanity;
import io.pushgate.routing.RouterSettings;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.store.StoreUnavailableException;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.TooManyHopsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled application: its stores and the request pipeline. The order of the steps below is
 * the order every initial request goes through (docs/pipeline.md).
 */
public final class Pushgate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pushgate.class);

    private final Database db;
    private final BindingStore bindings;
    private final RequestPipeline pipeline;
    private final int retryAfterSeconds;
    private final ScheduledExecutorService housekeeping;
    /** Set when [media] names an rtpengine. */
    private final NgClient ng;
    private final MediaAnchor media;
    /** Set in the gateway role only. */
    private final PushDispatcher push;
    private final ForkLateRouter forkLate;
    private final MessageRelay messages;
    private final GatewayRegistrar gatewayRegistrar;
    /** Set in the push application server role. */
    private final PushCallServer pushCalls;
    private final RtpStreamer rtp;
    /** Set in the registrar role. */
    private final PushDevices pushDevices;
    private final io.pushgate.routing.WebSocketFlows webSocketFlows;
    private final long pushDeviceTtlMs;
    /** Set in the registrar role when [reg-event] is enabled. */
    private final RegEventServer regEvent;

    public Pushgate(Config config, SipFactory factory, List<String[]> listeningAddresses) {
        LongSupplier clock = System::currentTimeMillis;
        LocalDomain domain = LocalDomain.from(config);
        for (String[] hostPort : listeningAddresses) domain.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        DatabaseSettings dbSettings = DatabaseSettings.from(config);
        AuthSettings auth = AuthSettings.from(config, domain.canonical());
        RegistrarSettings registrar = RegistrarSettings.from(config);
        RouterSettings router = RouterSettings.from(config);

        this.retryAfterSeconds = dbSettings.retryAfterSeconds();
        this.db = new Database(dbSettings);
        SubscriberDirectory subscribers = new SubscriberDirectory(db, auth.realm(), auth.passwordStorage(), clock);
        AliasTable aliases = new AliasTable(db, clock);
        this.bindings = new BindingStore(db, clock);
        int loaded = bindings.load();
        log.info("domain {}, {} bindings loaded from {}", domain.canonical(), loaded, dbSettings.url());

        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-timers");
            t.setDaemon(true);
            return t;
        });
        ProxyForwarder forwarder = new ProxyForwarder(router);
        BindingTarget targets = new BindingTarget(factory, forwarder);
        GatewaySettings gateway = GatewaySettings.from(config);
        MediaSettings mediaSettings = MediaSettings.from(config);
        if (mediaSettings.enabled()) {
            try {
                this.ng = new NgClient(mediaSettings.instances(), mediaSettings.timeoutMs(), mediaSettings.retries(),
                        mediaSettings.downForSeconds() * 1000L, clock);
            } catch (java.net.SocketException e) {
                throw new IllegalStateException("cannot open the rtpengine control socket: " + e.getMessage(), e);
            }
            this.media = new MediaAnchor(mediaSettings, ng, domain, bindings);
            log.info("media relay: rtpengine {}", mediaSettings.instances());
        } else {
            this.ng = null;
            this.media = null;
        }
        PushServerSettings pushServer = PushServerSettings.from(config);
        this.pushDeviceTtlMs = pushServer.deviceTtlDays() * 86_400_000L;
        if (gateway.enabled() && pushServer.serve()) {
            throw new io.pushgate.config.ConfigException("push-server.serve", "cannot be on together with gateway.enabled");
        }
        if (pushServer.serve()) {
            this.push = new PushDispatcher(PushSettings.from(config));
            String address = pushServer.rtpAddress().isEmpty() ? domain.firstListeningHost() : pushServer.rtpAddress();
            this.rtp = new RtpStreamer(EarlyMediaAudio.load(pushServer.announcement()), address, pushServer.rtpPortMin(), pushServer.rtpPortMax());
            try {
                this.pushCalls = new PushCallServer(pushServer, factory, push, rtp, housekeeping, clock);
            } catch (ServletParseException e) {
                throw new io.pushgate.config.ConfigException("push-server.proxy", "not a SIP address: " + e.getMessage());
            }
            this.messages = null;
            this.forkLate = null;
            this.gatewayRegistrar = null;
            this.regEvent = null;
            this.pushDevices = null;
            this.webSocketFlows = null;
            this.pipeline = new RequestPipeline(List.of(new RequestSanity(domain), pushCalls));
            log.info("push application server: calls from {} wait {} s with early media from {}, registrations watched at {}",
                    pushServer.acceptFrom().isEmpty() ? pushServer.proxy() : pushServer.acceptFrom(), pushServer.waitTimeoutSeconds(),
                    address, pushServer.proxyUri());
        } else if (gateway.enabled()) {
            this.pushCalls = null;
            this.rtp = null;
            this.push = new PushDispatcher(PushSettings.from(config));
            ForkSettings fork = ForkSettings.from(config);
            LocalDomain self = new LocalDomain(gateway.aliases().isEmpty() ? List.of("localhost") : gateway.aliases());
            for (String[] hostPort : listeningAddresses) self.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
            ContactMasquerader masquerader = new ContactMasquerader(StoredSetting.getOrCreate(db, "masquerade-key", ContactMasquerader::newKey));
            this.messages = new MessageRelay(db, factory, targets, push, fork.messageExpiresSeconds(), clock);
            this.forkLate = new ForkLateRouter(gateway, fork, masquerader, bindings, targets, push, housekeeping, messages);
            this.gatewayRegistrar = new GatewayRegistrar(gateway, registrar, masquerader,
                    new PendingRegistrations(gateway.pendingMax(), gateway.pendingTtlSeconds(), clock), bindings, self, factory, forkLate, clock);
            this.regEvent = null;
            this.pushDevices = null;
            this.webSocketFlows = null;
            log.info("push gateway in front of {} ({} mode), contacts masqueraded as {}",
                    gateway.backend().isEmpty() ? "the Request-URI domain" : gateway.backend(), gateway.mode(), masquerader.paramName());
            this.pipeline = new RequestPipeline(List.of(
                    new RequestSanity(self),
                    forkLate,
                    gatewayRegistrar,
                    new BackendForwarder(gateway, self, factory, forwarder)));
        } else {
            this.pushCalls = null;
            this.rtp = null;
            this.push = null;
            this.messages = null;
            this.forkLate = null;
            this.gatewayRegistrar = null;
            RegEventSettings regEventSettings = RegEventSettings.from(config);
            this.regEvent = regEventSettings.enabled()
                    ? new RegEventServer(regEventSettings, domain, subscribers, bindings, auth.trustedPeers(), housekeeping, clock)
                    : null;
            List<RequestStep> steps = new java.util.ArrayList<>(List.of(
                    new RequestSanity(domain),
                    new DigestAuthenticator(auth, domain, subscribers,
                            new NonceIssuer(auth.nonceLifetimeSeconds(), auth.nonceCacheSize(), clock),
                            new FailureThrottle(auth.maxFailures(), auth.failureWindowSeconds(), auth.lockoutSeconds(), clock)),
                    new IdentityCheck(domain),
                    new Registrar(registrar, domain, subscribers, bindings, clock)));
            if (regEvent != null) steps.add(regEvent);
            steps.addAll(List.of(
                    new RelayGuard(domain, auth.trustedPeers()),
                    new EventPackageGate(domain, regEvent != null),
                    new AliasResolver(domain, subscribers, aliases, factory)));
            if (media != null) steps.add(media);
            this.pushDevices = new PushDevices(db, clock);
            this.webSocketFlows = new io.pushgate.routing.WebSocketFlows();
            bindings.addListener(webSocketFlows);
            bindings.addListener(pushDevices);
            if (!pushServer.routeTo().isEmpty()) {
                try {
                    steps.add(new SleepingCalleeRouter(domain, bindings, pushDevices, forwarder, factory, pushServer.routeTo()));
                } catch (ServletParseException e) {
                    throw new io.pushgate.config.ConfigException("push-server.route-to", "not a SIP URI: " + e.getMessage());
                }
                log.info("calls for users with only sleeping push devices go to {}", pushServer.routeTo());
            }
            steps.add(new LocationRouter(domain, subscribers, bindings, targets));
            steps.add(new ForeignRelay(forwarder));
            this.pipeline = new RequestPipeline(steps);
        }

        housekeeping.scheduleWithFixedDelay(this::purge, registrar.purgeIntervalSeconds(), registrar.purgeIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** Runs an initial request through the pipeline; failures become the right final response. */
    public void handle(SipServletRequest req) {
        Exchange ex = new Exchange(req);
        try {
            pipeline.run(ex);
        } catch (StoreUnavailableException e) {
            log.warn("{} {} answered 503: {}", req.getMethod(), req.getRequestURI(), e.getMessage());
            replyIfOpen(ex, 503, "Database Unavailable", true);
        } catch (TooManyHopsException e) {
            replyIfOpen(ex, 483, "Too Many Hops", false);
        } catch (ServletParseException e) {
            replyIfOpen(ex, 400, "Bad Request: " + e.getMessage(), false);
        } catch (IOException | ServletException | RuntimeException e) {
            log.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            replyIfOpen(ex, 500, "Server Internal Error", false);
        }
    }

    private void replyIfOpen(Exchange ex, int status, String reason, boolean retryAfter) {
        if (ex.answered() || "ACK".equals(ex.method())) return;
        try {
            SipServletResponse r = ex.response(status, reason.replaceAll("[\\r\\n]", " "));
            if (retryAfter) r.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
            ex.send(r);
        } catch (IOException | RuntimeException e) {
            log.warn("could not answer {} {}: {}", status, reason, e.toString());
        }
    }

    private void purge() {
        try {
            int n = bindings.purgeExpired();
            if (n > 0) log.info("purged {} expired bindings", n);
            int m = messages == null ? 0 : messages.purgeExpired();
            if (m > 0) log.info("dropped {} stored messages past their expiry", m);
            int d = pushDevices == null ? 0 : pushDevices.purgeOlderThan(pushDeviceTtlMs);
            if (d > 0) log.info("forgot {} push devices not seen for {} days", d, pushDeviceTtlMs / 86_400_000L);
        } catch (RuntimeException e) {
            log.warn("binding purge failed, will retry: {}", e.getMessage());
        }
    }

    /** Responses to proxied requests: the gateway role watches REGISTER answers and its waiting calls. */
    public void onResponse(SipServletResponse resp) {
        if (pushCalls != null) {
            try {
                pushCalls.onResponse(resp);
            } catch (IOException | RuntimeException e) {
                log.warn("{} {} response handling failed: {}", resp.getStatus(), resp.getMethod(), e.toString());
            }
            return;
        }
        if (regEvent != null) regEvent.onResponse(resp);
        if (media != null) media.onResponse(resp);
        if (gatewayRegistrar == null) return;
        try {
            if ("REGISTER".equals(resp.getMethod())) gatewayRegistrar.onResponse(resp);
            else forkLate.onResponse(resp);
        } catch (RuntimeException e) {
            log.error("{} {} response handling failed", resp.getStatus(), resp.getMethod(), e);
        }
        if (resp.getStatus() >= 200 && !resp.isBranchResponse() && !"INVITE".equals(resp.getMethod())) {
            releaseLater(resp.getApplicationSession(false));
        }
    }

    /**
     * A relayed request that creates no dialog needs its sessions only until the container has sent
     * the final response on. Left alone they would live for the application session timeout: a busy
     * gateway would keep minutes of REGISTERs in memory and spend its time in garbage collection.
     */
    private void releaseLater(javax.servlet.sip.SipApplicationSession session) {
        if (session == null) return;
        housekeeping.schedule(() -> {
            try {
                if (session.isValid()) session.invalidate();
            } catch (IllegalStateException alreadyGone) {
                // ended meanwhile
            }
        }, 2, TimeUnit.SECONDS);
    }

    /** A request inside a proxied dialog or transaction (BYE, CANCEL, ...); the container routes it. */
    public void onSubsequent(SipServletRequest req) {
        try {
            if (pushCalls != null) {
                pushCalls.onSubsequent(req);
                return;
            }
            if (regEvent != null && regEvent.onSubsequent(req)) return;
        } catch (IOException | RuntimeException e) {
            log.warn("{} inside a dialog failed: {}", req.getMethod(), e.toString());
            return;
        }
        if (webSocketFlows != null) webSocketFlows.route(req);
        if (media != null) media.onSubsequent(req);
        if (forkLate != null && "CANCEL".equals(req.getMethod())) forkLate.onCancel(req);
    }

    public BindingStore bindings() { return bindings; }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        if (rtp != null) rtp.close();
        if (push != null) push.close();
        if (ng != null) ng.close();
        bindings.close();
        db.close();
    }
}
