package io.pushgate.pushserver;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import io.pushgate.sip.SipUris;
import java.nio.file.Path;
import java.util.List;

/**
 * The [push-server] section. On the registrar/proxy, {@code route-to} sends calls for sleeping
 * users to the push application server; on the application server ([server] role = push-server), the rest.
 */
public record PushServerSettings(String routeTo, String proxy, List<String> acceptFrom, List<String> dispatchers, int waitTimeoutSeconds,
                                 int subscriptionExpires, Path announcement, String rtpAddress, int rtpPortMin, int rtpPortMax,
                                 int maxCalls, int maxCallSeconds, int deviceTtlDays) {
    public static final ConfigSection SECTION = new ConfigSection("push-server",
            "The push application server: a B2BUA that answers calls for sleeping users with early media, pushes, and hands the call back when they register.");
    static final ConfigKey<String> ROUTE_TO = SECTION.string("route-to", "",
            "Registrar/proxy side: SIP URI of the push application server, or sip:push-server@DISPATCHER for several behind Kamailio's dispatcher; calls for a user with no live binding but known push devices go there. Empty: they get 480.");
    static final ConfigKey<Integer> DEVICE_TTL = SECTION.integer("device-ttl", 30, 1, 3650,
            "Registrar/proxy side: days a push device is remembered after its last registration; then it is no longer pushed.");
    /** Replaced by [server] role = push-server; still read, with a warning. */
    public static final ConfigKey<Boolean> SERVE = SECTION.bool("serve", false,
            "Deprecated: set [server] role = push-server instead. Still read: true makes this instance the push application server.");
    static final ConfigKey<String> PROXY = SECTION.string("proxy", "",
            "Application server side: host:port or SIP URI of the registrar/proxy to subscribe at (Event: reg) and hand calls back to, when a call's Via does not name the node that sent it (otherwise that node).");
    static final ConfigKey<List<String>> ACCEPT_FROM = SECTION.list("accept-from", "",
            "Source addresses allowed to send calls to the application server; empty means the proxy's address only.");
    static final ConfigKey<List<String>> DISPATCHERS = SECTION.list("dispatcher-addresses", "",
            "Application server side: addresses of a Kamailio dispatcher in front of several application servers; calls it relays are taken, and watched at and handed back to the node whose Via is below the dispatcher's (that node must be in accept-from).");
    static final ConfigKey<Integer> WAIT_TIMEOUT = SECTION.integer("wait-timeout", 30, 1, 600,
            "Seconds a call waits for the callee to register; then the caller gets 480 with a Reason.");
    static final ConfigKey<Integer> SUBSCRIPTION_EXPIRES = SECTION.integer("subscription-expires", 300, 30, 86400,
            "Expires asked for in the registration-state SUBSCRIBE; it is refreshed while calls wait.");
    static final ConfigKey<Path> ANNOUNCEMENT = SECTION.path("announcement", "",
            "WAV file (8 kHz mono, 16-bit PCM) looped as early media; empty plays a ringback tone (425 Hz, 1 s on, 4 s off).");
    static final ConfigKey<String> RTP_ADDRESS = SECTION.string("rtp-address", "",
            "Address early media is sent from and announced in SDP; empty: the first SIP listening address.");
    static final ConfigKey<String> RTP_PORTS = SECTION.string("rtp-ports", "40000-41999",
            "UDP port range for early media, one even port per waiting call.");
    static final ConfigKey<Integer> MAX_CALLS = SECTION.integer("max-calls", 1000, 1, 100_000,
            "Calls waiting at once; beyond it new calls get 503.");
    static final ConfigKey<Integer> MAX_CALL_SECONDS = SECTION.integer("max-call-duration", 14_400, 60, 604_800,
            "Seconds a connected call is kept at most; a call whose peers vanished without BYE is forgotten then.");

    public static PushServerSettings from(Config c) {
        String ports = c.get(RTP_PORTS).trim();
        int min;
        int max;
        try {
            String[] p = ports.split("-");
            min = Integer.parseInt(p[0].trim());
            max = Integer.parseInt(p[p.length - 1].trim());
        } catch (RuntimeException e) {
            throw new ConfigException(RTP_PORTS.qualifiedName(), "expected a range like 40000-41999, got '" + ports + "'");
        }
        if (min < 1024 || max > 65535 || min >= max) throw new ConfigException(RTP_PORTS.qualifiedName(), "range must lie within 1024-65535, low before high");
        Path announcement = c.get(ANNOUNCEMENT);
        PushServerSettings s = new PushServerSettings(c.get(ROUTE_TO).trim(), c.get(PROXY).trim(), c.get(ACCEPT_FROM), c.get(DISPATCHERS),
                c.get(WAIT_TIMEOUT), c.get(SUBSCRIPTION_EXPIRES), announcement == null || announcement.toString().isEmpty() ? null : announcement,
                c.get(RTP_ADDRESS).trim(), min, max, c.get(MAX_CALLS), c.get(MAX_CALL_SECONDS), c.get(DEVICE_TTL));
        if (!s.routeTo.isEmpty() && !SipUris.isSipUri(s.routeTo)) throw new ConfigException(ROUTE_TO.qualifiedName(), "not a SIP URI: " + s.routeTo);
        if (!s.proxy.isEmpty() && !SipUris.isSipUriOrHostPort(s.proxy)) {
            throw new ConfigException(PROXY.qualifiedName(), "expected host:port or a SIP URI, got " + s.proxy);
        }
        return s;
    }

    /** The rules for an instance whose [server] role is push-server. */
    public void checkServing() {
        if (proxy.isEmpty()) throw new ConfigException(PROXY.qualifiedName(), "required when [server] role is push-server");
        if (!routeTo.isEmpty()) throw new ConfigException(ROUTE_TO.qualifiedName(), "is for the registrar/proxy, not the application server itself");
    }

    /** The proxy as a SIP URI text. */
    public String proxyUri() {
        return proxy.startsWith("sip:") || proxy.startsWith("sips:") ? proxy : "sip:" + proxy;
    }
}
