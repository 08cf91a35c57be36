package io.pushgate.server;

import io.pushgate.metrics.RequestOutcomes;
import io.pushgate.gateway.BackendForwarder;
import io.pushgate.gateway.BackendGuard;
import io.pushgate.gateway.ContactMasquerader;
import io.pushgate.gateway.FinishedRelays;
import io.pushgate.gateway.ForkLateRouter;
import io.pushgate.gateway.ForkSettings;
import io.pushgate.gateway.GatewayRegistrar;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.MessageRelay;
import io.pushgate.gateway.PendingRegistrations;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.pipeline.TransactionLinger;
import io.pushgate.push.PushDispatcher;
import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.DeadTokenSweeper;
import io.pushgate.wakeup.ExpiryWakeUp;
import io.pushgate.wakeup.WakeUpClaims;
import io.pushgate.wakeup.WakeUpSettings;
import io.pushgate.routing.RequestSanity;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.StoredSetting;
import io.pushgate.uac.ProviderRegistrations;
import io.pushgate.uac.RemoteLineLookup;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The push gateway in front of a backend registrar (docs/gateway.md). */
final class GatewayRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(GatewayRole.class);

    private final PushDispatcher push;
    private final MessageRelay messages;
    private final RequestPipeline pipeline;
    private final ProviderRegistrations registrations;
    private final ExpiryWakeUp wakeUp;

    GatewayRole(Assembly a) {
        GatewaySettings gateway = GatewaySettings.from(a.config());
        this.push = new PushDispatcher(a.config(), Modules.pushProviders());
        push.onTokenGone(new DeadTokenSweeper(a.bindings()));
        WakeUpSettings wakeUpSettings = WakeUpSettings.from(a.config());
        this.wakeUp = new ExpiryWakeUp(wakeUpSettings, a.bindings(), push, a.timers(), a.traces(),
                new WakeUpClaims(a.db()), a.clock());
        ForkSettings fork = ForkSettings.from(a.config());
        LocalDomain self = new LocalDomain(gateway.aliases().isEmpty() ? List.of("localhost") : gateway.aliases());
        for (String[] hostPort : a.listeningAddresses()) self.addListeningAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        ContactMasquerader masquerader = new ContactMasquerader(StoredSetting.getOrCreate(a.db(), "masquerade-key", ContactMasquerader::newKey));
        this.messages = new MessageRelay(a.db(), a.notices(), a.factory(), a.targets(), push, fork.messageExpiresSeconds(), a.clock());
        ForkLateRouter forkLate = new ForkLateRouter(gateway, fork, masquerader, a.bindings(), a.targets(), push, a.timers(), messages, a.traces(), a.heldCalls());
        // a device that registers through another gateway node wakes the calls waiting here
        a.bindings().addPeerListener((aor, changes) -> {
            List<BindingRecord> fresh = changes.stream().filter(c -> c.event().active()).map(BindingChange::binding).toList();
            if (!fresh.isEmpty()) forkLate.onRegisteredElsewhere(aor, fresh);
        });
        this.registrations = a.providerRegistrations();
        this.pipeline = new RequestPipeline(List.of(
                new TransactionLinger(a.router().nonInviteLingerMs()),
                new RequestOutcomes(),
                new FinishedRelays(a.timers()),
                new RequestSanity(self),
                registrations,
                new RemoteLineLookup(registrations, a.factory()),
                new BackendGuard(backendAddresses(gateway)),
                forkLate,
                new GatewayRegistrar(gateway, a.registrar(), masquerader,
                        new PendingRegistrations(gateway.pendingMax(), gateway.pendingTtlSeconds(), a.clock()), a.bindings(), self,
                        a.factory(), forkLate::onRegistered, push, wakeUpSettings.beforeSeconds(), a.clock()),
                new BackendForwarder(gateway, self, a.factory(), a.forwarder())));
        // not the CtRt parameter's name: it carries the installation's key
        log.info("push gateway in front of {} ({} mode)", gateway.backend().isEmpty() ? "the Request-URI domain" : gateway.backend(), gateway.mode());
    }

    private static java.util.Set<String> backendAddresses(GatewaySettings gateway) {
        try {
            java.util.Set<String> addresses = BackendGuard.addresses(gateway);
            if (addresses.isEmpty()) log.warn("no backend address known: requests routed to devices (doroute) are taken from any source");
            return addresses;
        } catch (java.net.UnknownHostException e) {
            throw new io.pushgate.config.ConfigException("gateway.backend", "does not resolve: " + e.getMessage());
        }
    }

    @Override
    public RequestPipeline pipeline() { return pipeline; }

    @Override
    public MessageRelay messages() { return messages; }

    @Override
    public void purge() {
        int m = messages.purgeExpired();
        if (m > 0) log.info("dropped {} stored messages past their expiry", m);
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
        registrations.close();
        push.close();
    }
}
