package io.pushgate.server;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.nio.file.Files;
import java.nio.file.Path;

/** The [server] section: the role, and the listeners, deployment and shutdown of the embedded container. */
public record ServerSettings(String address, int udpPort, int tcpPort, int tlsPort, int wsPort, int wssPort,
                             Path tlsCertificate, Path tlsKey, Path tlsTrust, String httpAddress, int httpPort, Path deployDir, Path workDir,
                             int stopGraceSeconds, int sipThreads, int sipQueueWaitMs, String logLevel, boolean jsonLog, String collector, int pauseGoalMs,
                             int retransmissionMemoryMb) {
    public static final ConfigSection SECTION = new ConfigSection("server",
            "What this instance is, and the listeners of the embedded SIP Servlet container; a port of 0 turns that listener off.");
    static final ConfigKey<ServerRole> ROLE = SECTION.choice("role", ServerRole.REGISTRAR, ServerRole.class,
            "registrar: registrar and proxy of [domain]; gateway: push gateway in front of [gateway] backend; push-server: the push application server ([push-server]).");
    static final ConfigKey<String> ADDRESS = SECTION.string("sip-address", "127.0.0.1", "IP address the SIP listeners bind to.");
    static final ConfigKey<Integer> UDP = SECTION.integer("udp-port", 5060, 0, 65535, "SIP over UDP.");
    static final ConfigKey<Integer> TCP = SECTION.integer("tcp-port", 5060, 0, 65535, "SIP over TCP.");
    static final ConfigKey<Integer> TLS = SECTION.integer("tls-port", 0, 0, 65535, "SIP over TLS; needs tls-certificate and tls-key.");
    static final ConfigKey<Integer> WS = SECTION.integer("ws-port", 0, 0, 65535, "SIP over WebSocket (RFC 7118).");
    static final ConfigKey<Integer> WSS = SECTION.integer("wss-port", 0, 0, 65535, "SIP over secure WebSocket; needs tls-certificate and tls-key.");
    static final ConfigKey<Path> CERT = SECTION.path("tls-certificate", "", "PEM certificate chain for TLS and WSS.");
    static final ConfigKey<Path> KEY = SECTION.path("tls-key", "", "PEM private key (PKCS#8) for TLS and WSS.");
    static final ConfigKey<Path> TRUST = SECTION.path("tls-trust", "",
            "PEM certificates of authorities trusted for outbound SIP over TLS besides the system's (a peer with a private CA).");
    static final ConfigKey<String> HTTP_ADDRESS = SECTION.string("http-address", "127.0.0.1", "IP address of the HTTP listener (web part).");
    static final ConfigKey<Integer> HTTP = SECTION.integer("http-port", 8080, 0, 65535, "HTTP listener for the web part of the application.");
    static final ConfigKey<Path> DEPLOY = SECTION.path("deploy-dir", "", "Directory of .sar archives to deploy; empty means the built Pushgate archive.");
    static final ConfigKey<Path> WORK = SECTION.path("work-dir", "./data/container", "Container work directory (unpacked archives, router file).");
    static final ConfigKey<Integer> GRACE = SECTION.integer("stop-grace", 5, 0, 300,
            "Seconds SIGTERM waits for calls and transactions in progress to end before the container stops.");
    static final ConfigKey<Integer> THREADS = SECTION.integer("sip-threads", 32, 1, 1024, "Threads of the SIP stack that run requests.");
    static final ConfigKey<Integer> QUEUE_WAIT = SECTION.integer("sip-queue-wait-ms", 500, 0, 60_000,
            "A UDP request that waited longer for a SIP thread is dropped unanswered (overload; its client has resent it); 0: never (docs/tuning.md).");
    static final ConfigKey<Integer> RETRANSMISSION_MEMORY = SECTION.integer("retransmission-memory-mb", 64, 0, 1024,
            "Memory outside the heap for final answers to non-INVITE requests over UDP, resent to retransmissions for Timer J (32 s); when full, the oldest go early; 0: off (docs/sip-behaviour.md).");
    static final ConfigKey<String> LOG_LEVEL = SECTION.key("log-level", "info", "Log level of Pushgate: error, warn, info or debug.", v -> {
        if (!v.matches("(?i)error|warn|info|debug")) throw new IllegalArgumentException("expected error, warn, info or debug");
        return v.toUpperCase(java.util.Locale.ROOT);
    });
    static final ConfigKey<String> LOG_FORMAT = SECTION.key("log-format", "plain",
            "plain: one line per event; json: one JSON object per line (time, level, logger, thread, message, call-id, user) for log shippers.", v -> {
        if (!v.matches("(?i)plain|json")) throw new IllegalArgumentException("expected plain or json");
        return v.toLowerCase(java.util.Locale.ROOT);
    });
    static final ConfigKey<String> COLLECTOR = SECTION.key("collector", "auto",
            "Garbage collector bin/pushgate starts Java with: g1, zgc, parallel, or auto (zgc for the push application server, g1 otherwise; docs/tuning.md).", v -> {
        if (!v.matches("(?i)auto|g1|zgc|parallel")) throw new IllegalArgumentException("expected auto, g1, zgc or parallel");
        return v.toLowerCase(java.util.Locale.ROOT);
    });

    static final ConfigKey<Integer> PAUSE_GOAL = SECTION.integer("pause-goal-ms", 0, 0, 1000,
            "G1's pause goal; 0 keeps G1's own (200 ms). A goal also lets the young generation shrink to 1% of the heap so that it can be met (docs/tuning.md).");

    public static ServerSettings from(Config c) {
        ServerSettings s = new ServerSettings(c.get(ADDRESS), c.get(UDP), c.get(TCP), c.get(TLS), c.get(WS), c.get(WSS),
                c.get(CERT), c.get(KEY), c.get(TRUST), c.get(HTTP_ADDRESS), c.get(HTTP), c.get(DEPLOY), c.get(WORK), c.get(GRACE), c.get(THREADS), c.get(QUEUE_WAIT), c.get(LOG_LEVEL),
                c.get(LOG_FORMAT).equals("json"), c.get(COLLECTOR), c.get(PAUSE_GOAL), c.get(RETRANSMISSION_MEMORY));
        if (s.tlsPort > 0 || s.wssPort > 0) {
            requireFile(CERT, s.tlsCertificate);
            requireFile(KEY, s.tlsKey);
        }
        if (!s.tlsTrust.toString().isEmpty() && !Files.isReadable(s.tlsTrust)) throw new ConfigException(TRUST.qualifiedName(), "cannot read " + s.tlsTrust);
        if (s.udpPort == 0 && s.tcpPort == 0 && s.tlsPort == 0 && s.wsPort == 0 && s.wssPort == 0) {
            throw new ConfigException(UDP.qualifiedName(), "every SIP listener is off; open at least one");
        }
        return s;
    }

    /**
     * The collector's JVM options for bin/pushgate. G1 with its own pause goal where CPU decides (a
     * 10 ms goal was never met and cost the registrar and the gateway a quarter of their REGISTER
     * rate); ZGC where a pause is latency (the push application server's hand-back p99: 5-13 ms on
     * ZGC, 10-50 ms on G1). Measured in docs/tuning.md.
     * <p>
     * A G1 pause goal alone is not met here: G1 keeps at least 5% of the heap young, and what
     * survives that much allocation takes longer than the goal to copy. So a goal comes with a 1%
     * floor (an experimental option of this JDK). Off by default: the REGISTER path pays for it in
     * collections.
     */
    public String collectorOptions(boolean pushServer) {
        boolean zgc = collector.equals("zgc") || (collector.equals("auto") && pushServer);
        if (zgc) return "-XX:+UseZGC";
        if (collector.equals("parallel")) return "-XX:+UseParallelGC";
        if (pauseGoalMs == 0) return "-XX:+UseG1GC";
        return "-XX:+UseG1GC -XX:MaxGCPauseMillis=" + pauseGoalMs + " -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=1";
    }

    private static void requireFile(ConfigKey<Path> key, Path p) {
        if (p.toString().isEmpty()) throw new ConfigException(key.qualifiedName(), "required when tls-port or wss-port is set");
        if (!Files.isReadable(p)) throw new ConfigException(key.qualifiedName(), "cannot read " + p);
    }
}
