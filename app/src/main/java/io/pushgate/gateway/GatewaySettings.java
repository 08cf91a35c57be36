package io.pushgate.gateway;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import io.pushgate.sip.SipUris;
import java.util.List;

/** The [gateway] section: Pushgate as a push gateway in front of a backend registrar. */
public record GatewaySettings(String backend, List<String> aliases, List<String> regDomains,
                              Mode mode, boolean insertDomain, String publicAddress, int pendingMax,
                              int pendingTtlSeconds, List<String> backendAddresses) {

    /** How requests from the backend find their way back through the gateway. */
    public enum Mode {
        /** Contacts are rewritten to the gateway with a CtRt parameter (works with any registrar). */
        MASQUERADE,
        /** Contacts are left as sent and the gateway adds Path (RFC 3327); the backend must support it. */
        PATH
    }

    public static final ConfigSection SECTION = new ConfigSection("gateway",
            "Push gateway role: REGISTERs are relayed to a backend registrar and bindings saved on its 200 (docs/gateway.md).");
    /** Replaced by [server] role = gateway; still read, with a warning. */
    public static final ConfigKey<Boolean> ENABLED = SECTION.bool("enabled", false,
            "Deprecated: set [server] role = gateway instead. Still read: true runs this instance as the push gateway.");
    static final ConfigKey<String> BACKEND = SECTION.string("backend", "",
            "Backend registrar as host:port (transport UDP) or a SIP URI; empty sends to the Request-URI's domain.");
    static final ConfigKey<List<String>> BACKEND_ADDRESSES = SECTION.list("backend-addresses", "",
            "Source addresses a request routed to a device through us (doroute) may come from; empty: the addresses backend resolves to at start.");
    static final ConfigKey<List<String>> ALIASES = SECTION.list("aliases", "",
            "Names the gateway answers to, besides its listening addresses.");
    static final ConfigKey<List<String>> REG_DOMAINS = SECTION.list("reg-domains", "*",
            "Domains whose REGISTERs are relayed; * for any. Others get 403.");
    static final ConfigKey<Mode> MODE = SECTION.choice("mode", Mode.MASQUERADE, Mode.class,
            "masquerade: rewrite each Contact to the gateway with a CtRt parameter; path: add Path instead.");
    static final ConfigKey<Boolean> INSERT_DOMAIN = SECTION.bool("insert-domain", false,
            "Put the REGISTER's domain in the CtRt parameter instead of the device's host and port.");
    static final ConfigKey<String> PUBLIC_ADDRESS = SECTION.string("public-address", "",
            "host:port written into masqueraded contacts and Path; empty uses the first listening address.");
    static final ConfigKey<Integer> PENDING_MAX = SECTION.integer("pending-max", 10000, 10, 10_000_000,
            "REGISTERs waiting for the backend's answer; beyond it new ones get 503.");
    static final ConfigKey<Integer> PENDING_TTL = SECTION.integer("pending-ttl", 32, 1, 300,
            "Seconds a REGISTER waits for the backend's answer before its pending contacts are dropped (timer F).");

    public static GatewaySettings from(Config c) {
        GatewaySettings s = new GatewaySettings(c.get(BACKEND).trim(), c.get(ALIASES), c.get(REG_DOMAINS),
                c.get(MODE), c.get(INSERT_DOMAIN), c.get(PUBLIC_ADDRESS).trim(), c.get(PENDING_MAX), c.get(PENDING_TTL),
                c.get(BACKEND_ADDRESSES));
        if (!s.backend.isEmpty() && !SipUris.isSipUriOrHostPort(s.backend)) {
            throw new ConfigException(BACKEND.qualifiedName(), "expected host:port or a sip: URI, got " + s.backend);
        }
        if (!s.publicAddress.isEmpty() && !s.publicAddress.matches("[^:\\s]+:\\d{1,5}")) {
            throw new ConfigException(PUBLIC_ADDRESS.qualifiedName(), "expected host:port, got " + s.publicAddress);
        }
        return s;
    }

    /** The backend as a loose route, or null to route by the Request-URI. */
    public String backendRoute() {
        if (backend.isEmpty()) return null;
        String uri = backend.startsWith("sip:") || backend.startsWith("sips:") ? backend : "sip:" + backend;
        return uri.contains(";lr") ? uri : uri + ";lr";
    }

    public boolean servesDomain(String host) {
        return regDomains.contains("*") || regDomains.stream().anyMatch(d -> d.equalsIgnoreCase(host));
    }
}
