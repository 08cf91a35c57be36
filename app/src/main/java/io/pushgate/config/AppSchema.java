package io.pushgate.config;

import io.pushgate.auth.AuthSettings;
import io.pushgate.gateway.ForkSettings;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.media.MediaSettings;
import io.pushgate.push.PushSettings;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.routing.RouterSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.DatabaseSettings;
import java.util.List;

/** The configuration sections of the SIP application, in the order they are documented. */
public final class AppSchema {
    public static final List<ConfigSection> SECTIONS = List.of(
            LocalDomain.SECTION,
            DatabaseSettings.SECTION,
            AuthSettings.SECTION,
            RegistrarSettings.SECTION,
            io.pushgate.regevent.RegEventSettings.SECTION,
            RouterSettings.SECTION,
            GatewaySettings.SECTION,
            ForkSettings.SECTION,
            PushSettings.SECTION,
            MediaSettings.SECTION,
            io.pushgate.pushserver.PushServerSettings.SECTION);

    /** System property through which the launcher tells the application which file it started with. */
    public static final String CONFIG_PROPERTY = "pushgate.config";

    private AppSchema() {}

    /** The file named by {@link #CONFIG_PROPERTY}, or the defaults; launcher sections are skipped. */
    public static Config fromSystemProperty() {
        String file = System.getProperty(CONFIG_PROPERTY);
        if (file == null || file.isEmpty()) return Config.defaults(SECTIONS);
        return Config.load(java.nio.file.Path.of(file), SECTIONS, false);
    }
}
