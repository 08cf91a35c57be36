package io.pushgate.server;

import io.pushgate.auth.AuthSettings;
import io.pushgate.config.Config;
import io.pushgate.heldcall.HeldCalls;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.routing.BindingTarget;
import io.pushgate.routing.ProxyForwarder;
import io.pushgate.routing.RouterSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.PeerNotices;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.trace.CallTraces;
import io.pushgate.uac.ProviderRegistrations;
import io.pushgate.uac.RemoteRegistrationTable;
import io.pushgate.uac.UacSettings;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import io.pushgate.store.SessionLock;
import javax.servlet.sip.SipFactory;

/** What every role is built from: the configuration, the container's factory, and the shared stores. */
record Assembly(Config config, SipFactory factory, LocalDomain domain, List<String[]> listeningAddresses, Database db, PeerNotices notices,
                SubscriberDirectory subscribers, BindingStore bindings, AuthSettings auth, RegistrarSettings registrar,
                RouterSettings router, ProxyForwarder forwarder, BindingTarget targets, ScheduledExecutorService timers,
                CallTraces traces, HeldCalls heldCalls, LongSupplier clock) {

    /** The remote registrations with providers ([uac]), which the registrar and gateway roles both run. */
    ProviderRegistrations providerRegistrations() {
        UacSettings uac = UacSettings.from(config);
        String contact = uac.contactAddress().isEmpty() ? domain.firstListeningAddress() : uac.contactAddress();
        return new ProviderRegistrations(uac, new RemoteRegistrationTable(db), new SessionLock(db.settings(), "remote registrations"),
                factory, contact, timers, clock);
    }
}
