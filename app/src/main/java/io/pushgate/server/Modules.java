package io.pushgate.server;

import io.pushgate.console.ConsoleModule;
import io.pushgate.metrics.MetricsModule;
import io.pushgate.trace.TraceModule;
import io.pushgate.api.ApiModule;
import io.pushgate.auth.AuthModule;
import io.pushgate.provisioning.ProvisioningModule;
import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import io.pushgate.flood.FloodModule;
import io.pushgate.gateway.GatewayModule;
import io.pushgate.heldcall.HeldCallModule;
import io.pushgate.media.MediaModule;
import io.pushgate.pipeline.Module;
import io.pushgate.push.PushModule;
import io.pushgate.push.PushProvider;
import io.pushgate.push.apns.ApnsProvider;
import io.pushgate.push.fcm.FcmProvider;
import io.pushgate.push.webhook.WebhookProvider;
import io.pushgate.push.webpush.WebPushProvider;
import io.pushgate.wakeup.WakeUpModule;
import io.pushgate.pushserver.PushServerModule;
import io.pushgate.regevent.RegEventModule;
import io.pushgate.registrar.RegistrarModule;
import io.pushgate.routing.RoutingModule;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.SubscriberModule;
import io.pushgate.uac.UacModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every module of the server, in the order their configuration is documented. A new module is
 * its package plus one line here (and its steps where they belong in a role's pipeline).
 */
public final class Modules {
    public static final List<Module> ALL = List.of(
            new SubscriberModule(),
            new AuthModule(),
            new FloodModule(),
            new RegistrarModule(),
            new RegEventModule(),
            new RoutingModule(),
            new GatewayModule(),
            new PushModule(),
            new ApnsProvider(),
            new FcmProvider(),
            new WebPushProvider(),
            new WebhookProvider(),
            new WakeUpModule(),
            new HeldCallModule(),
            new MediaModule(),
            new PushServerModule(),
            new UacModule(),
            new ApiModule(),
            new ProvisioningModule(),
            new MetricsModule(),
            new TraceModule(),
            new ConsoleModule());

    /** System property through which the launcher tells the application which file it started with. */
    public static final String CONFIG_PROPERTY = "pushgate.config";

    private Modules() {}

    /** The push services among the modules, in their order (a later one takes the pn-provider values it shares). */
    public static List<PushProvider> pushProviders() {
        return ALL.stream().filter(m -> m instanceof PushProvider).map(m -> (PushProvider) m).toList();
    }

    /** Every configuration section: the server's own, then each module's. */
    public static List<ConfigSection> sections() {
        List<ConfigSection> all = new ArrayList<>(List.of(ServerSettings.SECTION, LocalDomain.SECTION, DatabaseSettings.SECTION));
        for (Module m : ALL) all.addAll(m.sections());
        return List.copyOf(all);
    }

    /** The entity classes of every module's tables, handed to the database. */
    public static List<Class<?>> entities() {
        List<Class<?>> all = new ArrayList<>();
        for (Module m : ALL) all.addAll(m.entities());
        return List.copyOf(all);
    }

    /**
     * Every rule that one key alone cannot check (docs/configuration.md): the role, then each
     * module's. Throws a ConfigException naming the key; deprecated keys are reported to
     * {@code warnings}. Run by check-config, by the launcher before it starts anything, and by the
     * application before it opens its database.
     */
    public static ServerRole check(Config config, Consumer<String> warnings) {
        ServerSettings.from(config);
        LocalDomain.from(config);
        DatabaseSettings.from(config);
        ServerRole role = ServerRole.from(config, warnings);
        for (Module m : ALL) m.check(config);
        role.check(config);
        return role;
    }

    /** Reads and checks a configuration file against the whole schema. */
    public static Config load(Path file) {
        return Config.load(file, sections());
    }

    /** The file named by {@link #CONFIG_PROPERTY}, or the defaults. */
    public static Config fromSystemProperty() {
        String file = System.getProperty(CONFIG_PROPERTY);
        if (file == null || file.isEmpty()) return Config.defaults(sections());
        return load(Path.of(file));
    }
}
