package io.pushgate.uac;

import io.pushgate.metrics.Gauges;
import io.pushgate.store.SessionLock;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.servlet.ServletException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step and runner of every remote registration (Kamailio's uacreg): it starts one flow
 * per enabled row, spread over [uac] startup-spread, looks at the table every poll-interval for
 * what operators added, changed, removed or commanded (only changed rows are touched; the others
 * keep their Call-ID), and takes the responses to its REGISTERs from the pipeline.
 * <p>
 * Of the servers sharing a database, only the one holding the {@link SessionLock} runs the flows:
 * one REGISTER flow per row at the provider. The others read the table for the lines' identities
 * (calls from and to providers) and take the flows over, afresh, once the holder is gone.
 */
public final class ProviderRegistrations implements RequestStep, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderRegistrations.class);

    private final UacSettings settings;
    private final RemoteRegistrationTable table;
    private final SessionLock owner;
    private final SipFactory factory;
    private final String defaultContactAddress;
    private final ScheduledExecutorService timers;
    private final LongSupplier clock;
    /** Running flows by l_uuid, with the configuration they were started from. */
    private final Map<String, ProviderRegistration> running = new ConcurrentHashMap<>();
    /** Every row as last read, by l_uuid: the lines this server knows, running here or not. */
    private volatile Map<String, RemoteRegistration> known = Map.of();
    /** Whether this server runs the flows (holds the lock) as of the last look at the table. */
    private volatile boolean runsFlows;
    private ScheduledFuture<?> poller;
    private boolean first = true;

    public ProviderRegistrations(UacSettings settings, RemoteRegistrationTable table, SessionLock owner, SipFactory factory,
                                 String defaultContactAddress, ScheduledExecutorService timers, LongSupplier clock) {
        this.settings = settings;
        this.table = table;
        this.owner = owner;
        this.factory = factory;
        this.defaultContactAddress = defaultContactAddress;
        this.timers = timers;
        this.clock = clock;
        Gauges.report("pushgate_remote_registrations", "Remote registrations with providers by state (registered, retrying, wrong_credentials, ...).",
                "state", this::byState);
    }

    private Map<String, Double> byState() {
        Map<String, Double> m = new HashMap<>();
        for (ProviderRegistration.State st : ProviderRegistration.State.values()) m.put(st.name().toLowerCase(java.util.Locale.ROOT), 0.0);
        for (ProviderRegistration f : running.values()) m.merge(f.state().name().toLowerCase(java.util.Locale.ROOT), 1.0, Double::sum);
        return m;
    }

    /** Starts the flows and the look at the table; called once the container can send. */
    public synchronized void start() {
        poller = timers.scheduleWithFixedDelay(this::poll, 0, settings.pollIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** Reconciles the running flows with the table. */
    synchronized void poll() {
        List<RemoteRegistration> rows;
        try {
            rows = table.list();
        } catch (RuntimeException e) {
            log.warn("remote registrations not read: {}", e.getMessage());
            return;
        }
        Map<String, RemoteRegistration> byUuid = new HashMap<>();
        for (RemoteRegistration r : rows) byUuid.put(r.lUuid(), r);
        known = Map.copyOf(byUuid);
        runsFlows = owner.held();
        if (!runsFlows) {
            if (!running.isEmpty()) {
                // another server may run them now: stop at once, without unregistering its bindings
                log.warn("no longer the server that runs remote registrations; stopping {} flows", running.size());
                running.values().forEach(ProviderRegistration::stop);
                running.clear();
            }
            first = true;
            return;
        }
        for (String uuid : List.copyOf(running.keySet())) {
            if (!byUuid.containsKey(uuid)) {
                // deleted by hand in SQL: stop quietly, the binding expires at the provider
                running.remove(uuid).stop();
            }
        }
        for (RemoteRegistration row : rows) {
            ProviderRegistration flow = running.get(row.lUuid());
            if (RemoteRegistrationTable.REMOVE.equals(row.command())) {
                remove(row, flow);
                continue;
            }
            if (flow == null || !flow.row().configuration().equals(row.configuration())) {
                replace(row, flow, first ? spreadDelay(row) : 0);
            }
            if (row.command() != null) command(row);
        }
        first = false;
    }

    private long spreadDelay(RemoteRegistration row) {
        long spread = settings.startupSpreadSeconds() * 1000L;
        return row.regDelay() * 1000L + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(spread));
    }

    /** A new or changed row: the old flow (if any) unregisters first, then the new one starts. */
    private void replace(RemoteRegistration row, ProviderRegistration old, long delayMs) {
        ProviderRegistration flow = new ProviderRegistration(row, settings, defaultContactAddress, factory, table, timers, clock);
        running.put(row.lUuid(), flow);
        if (old == null) {
            flow.startIn(delayMs);
            return;
        }
        log.info("remote registration {} changed; registering it afresh", row.lUuid());
        old.unregister(() -> {
            old.stop();
            flow.startIn(delayMs);
        });
    }

    private void remove(RemoteRegistration row, ProviderRegistration flow) {
        table.commandDone(row.lUuid(), RemoteRegistrationTable.REMOVE);
        Runnable delete = () -> {
            table.delete(row.lUuid());
            running.remove(row.lUuid());
            log.info("remote registration {} removed", row.lUuid());
        };
        if (flow == null) {
            delete.run();
            return;
        }
        flow.unregister(() -> {
            flow.stop();
            delete.run();
        });
    }

    private void command(RemoteRegistration row) {
        ProviderRegistration flow = running.get(row.lUuid());
        table.commandDone(row.lUuid(), row.command());
        if (flow == null || row.disabled()) return;
        switch (row.command()) {
            case RemoteRegistrationTable.REGISTER -> flow.registerNow();
            case RemoteRegistrationTable.UNREGISTER -> flow.unregister(null);
            default -> log.warn("remote registration {}: unknown command {}", row.lUuid(), row.command());
        }
    }

    /** The registration a request from a provider is for: its Request-URI user is an l_uuid, or it carries line=l_uuid. */
    public Optional<RemoteRegistration> line(String user, String lineParam) {
        if (lineParam != null) {
            Optional<RemoteRegistration> r = registration(lineParam);
            if (r.isPresent()) return r;
        }
        return user == null ? Optional.empty() : registration(user);
    }

    /** A running registration by l_uuid (outbound calls use its identity and credentials). */
    public Optional<RemoteRegistration> registration(String lUuid) {
        if (runsFlows) {
            ProviderRegistration f = running.get(lUuid);
            return f == null ? Optional.empty() : Optional.of(f.row());
        }
        RemoteRegistration r = known.get(lUuid);
        return r == null || RemoteRegistrationTable.REMOVE.equals(r.command()) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public void handle(Exchange exchange, Chain chain) throws IOException, ServletException {
        chain.proceed(exchange);
    }

    /** Responses to our REGISTERs; everything else is someone else's. */
    @Override
    public void onResponse(SipServletResponse response) {
        if (!"REGISTER".equals(response.getMethod())) return;
        SipSession s = response.getSession(false);
        if (s != null && s.isValid() && s.getAttribute(ProviderRegistration.ATTRIBUTE) instanceof ProviderRegistration flow) {
            flow.onResponse(response);
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) poller.cancel(false);
        running.values().forEach(ProviderRegistration::stop);
        owner.close();
    }
}
