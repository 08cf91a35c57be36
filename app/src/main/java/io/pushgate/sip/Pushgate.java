package io.pushgate.sip;

import io.pushgate.auth.AuthSettings;
import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.media.MediaAnchor;
import io.pushgate.media.MediaSettings;
import io.pushgate.media.NgClient;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.FinishedTransactions;
import io.pushgate.pushserver.PushServerSettings;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.registrar.WebSocketDisconnects;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyForwarder;
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
 * The assembled application: its stores, the media relay, and the role this instance runs
 * (registrar/proxy, push gateway or push application server), each with its own request pipeline.
 */
public final class Pushgate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pushgate.class);

    private final Database db;
    private final BindingStore bindings;
    private final int retryAfterSeconds;
    private final int nonInviteLingerMs;
    private final ScheduledExecutorService housekeeping;
    /** Set when [media] names an rtpengine. */
    private final NgClient ng;
    private final MediaAnchor media;
    private final Role role;
    private final WebSocketDisconnects disconnects;

    public Pushgate(Config config, SipFactory factory, List<String[]> listeningAddresses) {
        LongSupplier clock = System::currentTimeMillis;
        LocalDomain domain = LocalDomain.from(config);
        for (String[] hostPort : listeningAddresses) domain.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        DatabaseSettings dbSettings = DatabaseSettings.from(config);
        AuthSettings auth = AuthSettings.from(config, domain.canonical());
        RegistrarSettings registrar = RegistrarSettings.from(config);
        GatewaySettings gateway = GatewaySettings.from(config);
        PushServerSettings pushServer = PushServerSettings.from(config);
        MediaSettings mediaSettings = MediaSettings.from(config);
        if (gateway.enabled() && pushServer.serve()) {
            throw new ConfigException("push-server.serve", "cannot be on together with gateway.enabled");
        }

        this.retryAfterSeconds = dbSettings.retryAfterSeconds();
        this.db = new Database(dbSettings);
        SubscriberDirectory subscribers = new SubscriberDirectory(db, auth.realm(), auth.passwordStorage(), clock);
        this.bindings = new BindingStore(db, clock);
        int loaded = bindings.load();
        log.info("domain {}, {} bindings loaded from {}", domain.canonical(), loaded, dbSettings.url());

        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-timers");
            t.setDaemon(true);
            return t;
        });
        RouterSettings router = RouterSettings.from(config);
        this.nonInviteLingerMs = router.nonInviteLingerMs();
        ProxyForwarder forwarder = new ProxyForwarder(router);
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
        Assembly a = new Assembly(config, factory, domain, listeningAddresses, db, subscribers, bindings, auth, registrar,
                forwarder, new BindingTarget(factory, forwarder), media, housekeeping, clock);
        if (pushServer.serve()) this.role = new PushServerRole(a, pushServer);
        else if (gateway.enabled()) this.role = new GatewayRole(a, gateway);
        else this.role = new RegistrarRole(a, pushServer);

        this.disconnects = new WebSocketDisconnects(bindings, housekeeping);
        disconnects.start();
        housekeeping.scheduleWithFixedDelay(this::purge, registrar.purgeIntervalSeconds(), registrar.purgeIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** Runs an initial request through the pipeline; failures become the right final response. */
    public void handle(SipServletRequest req) {
        FinishedTransactions.lingerFor(req, nonInviteLingerMs);
        Exchange ex = new Exchange(req);
        try {
            role.pipeline().run(ex);
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
            role.purge();
        } catch (RuntimeException e) {
            log.warn("purge failed, will retry: {}", e.getMessage());
        }
    }

    /** Responses to proxied requests and to requests the role sent. */
    public void onResponse(SipServletResponse resp) {
        try {
            if (media != null) media.onResponse(resp);
            role.onResponse(resp);
        } catch (IOException | RuntimeException e) {
            log.warn("{} {} response handling failed: {}", resp.getStatus(), resp.getMethod(), e.toString());
        }
    }

    /** A request inside a dialog or transaction (BYE, CANCEL, NOTIFY, ...); for proxied dialogs the container routes it on. */
    public void onSubsequent(SipServletRequest req) {
        FinishedTransactions.lingerFor(req, nonInviteLingerMs);
        try {
            if (role.onSubsequent(req)) return;
        } catch (IOException | RuntimeException e) {
            log.warn("{} inside a dialog failed: {}", req.getMethod(), e.toString());
            return;
        }
        if (media != null) media.onSubsequent(req);
    }

    public BindingStore bindings() { return bindings; }

    @Override
    public void close() {
        disconnects.close();
        housekeeping.shutdownNow();
        role.close();
        if (ng != null) ng.close();
        bindings.close();
        db.close();
    }
}
