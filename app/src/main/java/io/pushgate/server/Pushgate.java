package io.pushgate.server;

import io.pushgate.metrics.MetricsEndpoint;
import io.pushgate.trace.CallTraces;
import io.pushgate.trace.TraceSettings;
import io.pushgate.auth.AuthSettings;
import io.pushgate.config.Config;
import io.pushgate.heldcall.ContainerResponder;
import io.pushgate.heldcall.HeldCallSettings;
import io.pushgate.heldcall.HeldCalls;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.registrar.WebSocketDisconnects;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.routing.RouterSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.store.H2Housekeeping;
import io.pushgate.store.PeerNotices;
import io.pushgate.store.StoreUnavailableException;
import io.pushgate.subscriber.SubscriberDirectory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
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
 * The assembled application: its stores and the role this instance runs (registrar/proxy, push
 * gateway or push application server), whose pipeline sees every request and response.
 */
public final class Pushgate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pushgate.class);

    private final Database db;
    private final PeerNotices notices;
    /** Null unless the store is an embedded H2 file. */
    private final H2Housekeeping h2Housekeeping;
    private final BindingStore bindings;
    private final int retryAfterSeconds;
    private final ScheduledExecutorService housekeeping;
    private final Role role;
    private final WebParts web;
    private final WebSocketDisconnects disconnects;
    private final CallTraces traces;
    private final HeldCalls heldCalls;

    public Pushgate(Config config, SipFactory factory, List<String[]> listeningAddresses) {
        ServerRole which = Modules.check(config, log::warn);
        LongSupplier clock = System::currentTimeMillis;
        LocalDomain domain = LocalDomain.from(config);
        for (String[] hostPort : listeningAddresses) domain.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        DatabaseSettings dbSettings = DatabaseSettings.from(config);
        AuthSettings auth = AuthSettings.from(config, domain.canonical());
        RegistrarSettings registrar = RegistrarSettings.from(config);
        RouterSettings router = RouterSettings.from(config);

        this.retryAfterSeconds = dbSettings.retryAfterSeconds();
        this.db = new Database(dbSettings, Modules.entities());
        this.h2Housekeeping = H2Housekeeping.startIfNeeded(db);
        SubscriberDirectory subscribers = new SubscriberDirectory(db, auth.realm(), auth.passwordStorage(), clock);
        this.notices = new PeerNotices(dbSettings);
        this.bindings = new BindingStore(db, notices, clock);
        notices.start(); // before the load: a change another server commits meanwhile is heard
        int loaded = bindings.load();
        log.info("domain {}, {} bindings loaded from {}", domain.canonical(), loaded, dbSettings.url());

        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushgate-timers");
            t.setDaemon(true);
            return t;
        });
        ProxyForwarder forwarder = new ProxyForwarder(router);
        Assembly a = new Assembly(config, factory, domain, listeningAddresses, db, notices, subscribers, bindings, auth, registrar,
                router, forwarder, new BindingTarget(factory, forwarder), housekeeping, new CallTraces(TraceSettings.from(config), clock),
                new HeldCalls(HeldCallSettings.from(config), db, new ContainerResponder(), clock), clock);
        this.heldCalls = a.heldCalls();
        this.traces = a.traces();
        this.role = switch (which) {
            case REGISTRAR -> new RegistrarRole(a);
            case GATEWAY -> new GatewayRole(a);
            case PUSH_SERVER -> new PushServerRole(a);
        };
        for (String line : role.pipeline().describe()) log.info("pipeline {}: {}", which.token(), line);
        this.web = new WebParts(a, role);

        this.disconnects = new WebSocketDisconnects(bindings, housekeeping);
        disconnects.start();
        housekeeping.scheduleWithFixedDelay(this::purge, registrar.purgeIntervalSeconds(), registrar.purgeIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** The application is deployed and can send: what the role starts on its own begins now. */
    public void started() {
        role.start();
        web.started();
        heldCalls.start(); // the stack can send: the callers of calls a crashed run held get their answer
    }

    /** Runs an initial request through the pipeline; failures become the right final response. */
    public void handle(SipServletRequest req) {
        Exchange ex = new Exchange(req);
        LogContext.enter(req);
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
        } finally {
            LogContext.leave();
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

    /** A response to something proxied or sent: every step of the pipeline sees it. */
    public void onResponse(SipServletResponse resp) {
        LogContext.enter(resp);
        try {
            role.pipeline().onResponse(resp);
        } finally {
            LogContext.leave();
        }
    }

    /** A request inside a dialog or transaction; when no step takes it, the container routes it on (proxied dialogs). */
    public void onSubsequent(SipServletRequest req) {
        LogContext.enter(req);
        try {
            role.pipeline().onSubsequent(req);
        } catch (IOException | RuntimeException e) {
            log.warn("{} inside a dialog failed: {}", req.getMethod(), e.toString());
        } finally {
            LogContext.leave();
        }
    }

    private void purge() {
        try {
            int n = bindings.purgeExpired();
            if (n > 0) log.info("purged {} expired bindings", n);
            role.purge();
            web.purge();
            traces.purge();
        } catch (RuntimeException e) {
            log.warn("purge failed, will retry: {}", e.getMessage());
        }
    }

    public BindingStore bindings() { return bindings; }

    /** What the web part's servlets find in the servlet context (docs/provisioning.md). */
    public Map<String, Object> webAttributes() { return web.attributes(); }

    RequestPipeline pipeline() { return role.pipeline(); }

    @Override
    public void close() {
        disconnects.close();
        housekeeping.shutdownNow();
        role.close();
        heldCalls.close();
        bindings.close();
        notices.close();
        if (h2Housekeeping != null) h2Housekeeping.close();
        db.close();
        MetricsEndpoint.release();
    }
}
