package io.pushgate.server;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.media.MediaSettings;
import io.pushgate.pushserver.PushServerSettings;
import java.util.function.Consumer;

/** What one instance runs ([server] role); each has its own pipeline (docs/pipeline.md). */
public enum ServerRole {
    REGISTRAR,
    GATEWAY,
    PUSH_SERVER;

    /** The value as written in the configuration. */
    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The role from [server] role, or from the two older booleans ([gateway] enabled, [push-server]
     * serve), which are still read with a warning naming the new key. Contradictions are errors.
     */
    public static ServerRole from(Config c, Consumer<String> warnings) {
        boolean gateway = c.get(GatewaySettings.ENABLED);
        boolean pushServer = c.get(PushServerSettings.SERVE);
        String key = ServerSettings.ROLE.qualifiedName();
        if (gateway && pushServer) {
            throw new ConfigException(key, "gateway.enabled and push-server.serve are both on; set one role with [server] role");
        }
        ServerRole fromOldKeys = gateway ? GATEWAY : pushServer ? PUSH_SERVER : null;
        String oldKey = gateway ? GatewaySettings.ENABLED.qualifiedName() : PushServerSettings.SERVE.qualifiedName();
        if (c.isSet(ServerSettings.ROLE)) {
            ServerRole role = c.get(ServerSettings.ROLE);
            if (fromOldKeys != null && fromOldKeys != role) {
                throw new ConfigException(key, "is " + role.token() + " but the deprecated " + oldKey + " asks for " + fromOldKeys.token());
            }
            if (fromOldKeys != null) warnings.accept(oldKey + " is deprecated and redundant with [server] role = " + role.token() + "; remove it");
            return role;
        }
        if (fromOldKeys != null) {
            warnings.accept(oldKey + " is deprecated: write [server] role = " + fromOldKeys.token() + " instead");
            return fromOldKeys;
        }
        return REGISTRAR;
    }

    /** The rules that hold for this role only. */
    void check(Config c) {
        if (this == PUSH_SERVER) PushServerSettings.from(c).checkServing();
        if (this != REGISTRAR && MediaSettings.from(c).enabled()) {
            throw new ConfigException("media.rtpengine", "only the registrar role anchors media; the " + token() + " role would ignore it");
        }
    }
}
