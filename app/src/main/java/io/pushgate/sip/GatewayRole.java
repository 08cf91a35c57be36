package io.pushgate.sip;

import io.pushgate.gateway.BackendForwarder;
import io.pushgate.gateway.ContactMasquerader;
import io.pushgate.gateway.ForkLateRouter;
import io.pushgate.gateway.ForkSettings;
import io.pushgate.gateway.GatewayRegistrar;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.MessageRelay;
import io.pushgate.gateway.PendingRegistrations;
import io.pushgate.pipeline.FinishedTransactions;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushSettings;
import io.pushgate.routing.RequestSanity;
import io.pushgate.store.StoredSetting;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The push gateway in front of a backend registrar (docs/gateway.md). */
final class GatewayRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(GatewayRole.class);

    private static final long RELEASE_CHECK_MS = 100;
    private static final int RELEASE_MAX_CHECKS = 20;

    private final PushDispatcher push;
    private final MessageRelay messages;
    private final ForkLateRouter forkLate;
    private final GatewayRegistrar registrar;
    private final RequestPipeline pipeline;
    private final ScheduledExecutorService timers;

    GatewayRole(Assembly a, GatewaySettings gateway) {
        this.timers = a.timers();
        this.push = new PushDispatcher(PushSettings.from(a.config()));
        ForkSettings fork = ForkSettings.from(a.config());
        LocalDomain self = new LocalDomain(gateway.aliases().isEmpty() ? List.of("localhost") : gateway.aliases());
        for (String[] hostPort : a.listeningAddresses()) self.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        ContactMasquerader masquerader = new ContactMasquerader(StoredSetting.getOrCreate(a.db(), "masquerade-key", ContactMasquerader::newKey));
        this.messages = new MessageRelay(a.db(), a.factory(), a.targets(), push, fork.messageExpiresSeconds(), a.clock());
        this.forkLate = new ForkLateRouter(gateway, fork, masquerader, a.bindings(), a.targets(), push, a.timers(), messages);
        this.registrar = new GatewayRegistrar(gateway, a.registrar(), masquerader,
                new PendingRegistrations(gateway.pendingMax(), gateway.pendingTtlSeconds(), a.clock()), a.bindings(), self,
                a.factory(), forkLate, a.clock());
        this.pipeline = new RequestPipeline(List.of(
                new RequestSanity(self),
                forkLate,
                registrar,
                new BackendForwarder(gateway, self, a.factory(), a.forwarder())));
        log.info("push gateway in front of {} ({} mode), contacts masqueraded as {}",
                gateway.backend().isEmpty() ? "the Request-URI domain" : gateway.backend(), gateway.mode(), masquerader.paramName());
    }

    @Override
    public RequestPipeline pipeline() { return pipeline; }

    @Override
    public boolean onSubsequent(SipServletRequest req) {
        if ("CANCEL".equals(req.getMethod())) forkLate.onCancel(req);
        return false;
    }

    /** The gateway watches REGISTER answers (register-on-response) and its waiting calls. */
    @Override
    public void onResponse(SipServletResponse resp) {
        try {
            if ("REGISTER".equals(resp.getMethod())) registrar.onResponse(resp);
            else forkLate.onResponse(resp);
        } catch (RuntimeException e) {
            log.error("{} {} response handling failed", resp.getStatus(), resp.getMethod(), e);
        }
        if (resp.getStatus() >= 200 && !resp.isBranchResponse() && !"INVITE".equals(resp.getMethod())) {
            releaseLater(resp);
        }
    }

    /**
     * A relayed request that creates no dialog needs its sessions only until the container has sent
     * the final response on. Left alone they would live for the application session timeout; kept
     * even a second or two, every young collection copies them (~30 KB a REGISTER pair), and the
     * pauses that makes are the gateway's latency tail. Released as soon as the relayed request's
     * own transaction shows the response sent, checked every RELEASE_CHECK_MS.
     */
    private void releaseLater(SipServletResponse resp) {
        SipApplicationSession session = resp.getApplicationSession(false);
        if (session == null) return;
        // a relayed request's own transaction, read now: the container forgets the request later
        SipServletRequest received = resp.getProxyBranch() != null ? resp.getProxy().getOriginalRequest() : null;
        timers.schedule(new Runnable() {
            private int checks;

            @Override
            public void run() {
                if (received != null && !FinishedTransactions.answered(received) && ++checks < RELEASE_MAX_CHECKS) {
                    timers.schedule(this, RELEASE_CHECK_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                FinishedTransactions.release(received);
                FinishedTransactions.release(resp);
                try {
                    if (session.isValid()) session.invalidate();
                } catch (IllegalStateException alreadyGone) {
                    // ended meanwhile
                }
            }
        }, RELEASE_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void purge() {
        int m = messages.purgeExpired();
        if (m > 0) log.info("dropped {} stored messages past their expiry", m);
    }

    @Override
    public void close() {
        push.close();
    }
}
