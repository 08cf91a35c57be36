package io.pushgate.runtime;

import io.pushgate.api.ManagementSettings;
import io.pushgate.server.ServerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.mobicents.servlet.sip.catalina.SipHostConfig;
import org.mobicents.servlet.sip.catalina.SipProtocolHandler;
import org.mobicents.servlet.sip.catalina.SipStandardEngine;
import org.mobicents.servlet.sip.catalina.SipStandardService;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.mobicents.servlet.sip.core.SipContext;
import org.mobicents.servlet.sip.startup.SipStandardContext;
import org.apache.log4j.Logger;

/**
 * The embedded RestComm SIP Servlets container on Tomcat 7: one service, one engine, one host,
 * a SIP connector per configured transport, an HTTP connector, and the deployed .sar archives.
 * The boot order follows docs/container.md.
 */
public final class SipContainer {
    private static final Logger log = Logger.getLogger(SipContainer.class);
    /** How long a stop waits for requests let in just before it to reach the application (ServiceGate). */
    private static final long ADMITTED_WAIT_MS = 2000;
    /** SIP over TLS and WSS: TLS 1.3's suites and TLS 1.2's ECDHE ones with AEAD ciphers. */
    static final java.util.List<String> TLS_SUITES = java.util.List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The methods the application router hands to the application; EarlyRefusals answers the others 405. */
    static final String[] ROUTED_METHODS = {
            "REGISTER", "INVITE", "MESSAGE", "OPTIONS", "SUBSCRIBE", "NOTIFY", "PUBLISH", "REFER", "INFO", "UPDATE", "PRACK", "BYE"};

    private final ServerSettings settings;
    private SipStandardService service;
    private StandardHost host;
    private SipHostConfig hostConfig;
    private ManagementListener management;
    private final CancelledProxyTimers proxyTimers = new CancelledProxyTimers(this::sipContexts);

    private final ManagementSettings managementSettings;
    /** Null in tests that start no realm: the consoles then let nobody in. */
    private final org.apache.catalina.Realm realm;

    public SipContainer(ServerSettings settings, ManagementSettings management, org.apache.catalina.Realm realm) {
        this.settings = settings;
        this.managementSettings = management;
        this.realm = realm;
    }

    public void start(List<Path> archives) throws Exception {
        Path base = settings.workDir().toAbsolutePath();
        Files.createDirectories(base.resolve("webapps"));
        Files.createDirectories(base.resolve("conf"));
        System.setProperty("catalina.home", base.toString());
        System.setProperty("catalina.base", base.toString());
        // On JDK 9+ the ServiceRegistry look-up of the router provider fails; name it explicitly.
        System.setProperty("javax.servlet.sip.ar.spi.SipApplicationRouterProvider",
                "org.mobicents.servlet.sip.router.DefaultApplicationRouterProvider");

        Path dar = base.resolve("conf/dars.properties");
        Files.writeString(dar, darText(archives), StandardCharsets.UTF_8);

        ConnectionWatch.register();
        service = new SipStandardService();
        service.setName("pushgate");
        service.setSipApplicationDispatcherClassName(SipApplicationDispatcherImpl.class.getName());
        service.setDarConfigurationFileLocation(dar.toUri().toString());
        service.setCongestionControlCheckingInterval(-1);
        service.setGatherStatistics(false); // counting is turned on by SipTraffic, once the vendor reporter is stopped
        service.setSipStackProperties(stackProperties(base));
        service.setUsePrettyEncoding(true);

        SipStandardEngine engine = new SipStandardEngine();
        engine.setName("pushgate");
        engine.setBaseDir(base.toString());
        engine.setDefaultHost("localhost");
        engine.setService(service);
        if (realm != null) engine.setRealm(realm);
        service.setContainer(engine);
        service.init();

        host = new StandardHost();
        host.setName("localhost");
        host.setAppBase(base.resolve("webapps").toString());
        host.setAutoDeploy(false);
        host.setDeployOnStartup(false);
        hostConfig = new SipHostConfig();
        host.addLifecycleListener(hostConfig);
        engine.addChild(host);
        if (managementSettings.enabled()) host.addChild(ManagerApplication.create(base.resolve("manager"), managementSettings.port()));

        addSip("udp", settings.udpPort());
        addSip("tcp", settings.tcpPort());
        addSip("tls", settings.tlsPort());
        addSip("ws", settings.wsPort());
        addSip("wss", settings.wssPort());
        if (settings.httpPort() > 0) {
            Connector http = new Connector("HTTP/1.1");
            http.setPort(settings.httpPort());
            http.setAttribute("address", settings.httpAddress());
            service.addConnector(http);
        }
        management = new ManagementListener(managementSettings, base);
        Connector managementConnector = management.connector();
        if (managementConnector != null) service.addConnector(managementConnector);
        service.start();
        for (Connector c : service.findConnectors()) {
            boolean sipFailed = c.getProtocolHandler() instanceof SipProtocolHandler sip && !sip.isStarted();
            if (sipFailed || c.getState() != org.apache.catalina.LifecycleState.STARTED) {
                throw new IllegalStateException("listener " + describe(c) + " did not start (address in use?); see the log above");
            }
        }
        if (service.getSipApplicationDispatcher() instanceof SipApplicationDispatcherImpl d) {
            SipTraffic.publish(d, d.getSipStack() instanceof gov.nist.javax.sip.stack.SIPTransactionStack s ? s : null);
            ApplicationRouter.publish(d);
        }
        ServiceGate.servingWhen(() -> sipContexts().stream().anyMatch(c -> c instanceof org.apache.catalina.core.StandardContext sc && sc.getAvailable()));
        for (Path archive : archives) deploy(archive, base);
    }

    private void addSip(String transport, int port) throws Exception {
        if (port <= 0) return;
        Connector c = new Connector(SipProtocolHandler.class.getName());
        SipProtocolHandler p = (SipProtocolHandler) c.getProtocolHandler();
        p.setPort(port);
        p.setIpAddress(settings.address());
        p.setSignalingTransport(transport);
        service.addConnector(c);
    }

    /**
     * Deploys an archive the way the container's Manager does, so that the Manager can undeploy
     * and redeploy it: as {@code <name>.war} in the host's directory (it carries WEB-INF/sip.xml,
     * which makes it a SIP application), deployed by the host's deployer. An archive deployed
     * through the Manager since, newer than the one given, stays.
     */
    private void deploy(Path archive, Path base) throws Exception {
        String name = archive.getFileName().toString().replaceFirst("\\.(sar|war)$", "");
        Path webapps = base.resolve("webapps");
        Path deployed = webapps.resolve(name + ".war");
        if (!Files.exists(deployed) || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(deployed)) > 0) {
            Files.copy(archive, deployed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            log.warn("keeping " + deployed + ", deployed through the Manager after " + archive + " was built");
        }
        deleteTree(webapps.resolve(name)); // the container silently reuses a stale unpacked directory
        hostConfig.check("/" + name);
        if (!(host.findChild("/" + name) instanceof SipStandardContext ctx) || !ctx.getAvailable()) {
            throw new IllegalStateException("deployment of " + archive + " failed; see the log above");
        }
        for (org.apache.catalina.Container child : ctx.findChildren()) {
            if (child instanceof org.apache.catalina.Wrapper w && w.isUnavailable()) {
                throw new IllegalStateException("servlet " + w.getName() + " of " + archive + " failed to start; see the log above");
            }
        }
        log.info("deployed " + archive + " as /" + name);
    }

    /** The SIP applications deployed now; the Manager may have changed them since start. */
    private List<SipContext> sipContexts() {
        if (host == null) return List.of();
        List<SipContext> out = new java.util.ArrayList<>();
        for (org.apache.catalina.Container c : host.findChildren()) if (c instanceof SipContext sc) out.add(sc);
        return out;
    }

    private static String describe(Connector c) {
        if (c.getProtocolHandler() instanceof SipProtocolHandler sip) {
            return "sip " + sip.getSignalingTransport() + " " + sip.getIpAddress() + ":" + sip.getPort();
        }
        return (c.getSecure() ? "https " : "http ") + c.getPort();
    }

    public void stop() {
        ServiceGate.stopping();
        ServiceGate.awaitAdmitted(ADMITTED_WAIT_MS);
        proxyTimers.close();
        if (management != null) management.close();
        if (service == null) return;
        try {
            long graceMs = settings.stopGraceSeconds() * 1000L;
            if (graceMs > 0) {
                service.stopGracefully(graceMs);
                awaitSessionsEnded(graceMs);
            }
            service.stop();
            service.destroy();
        } catch (LifecycleException | RuntimeException e) {
            log.warn("container stop: " + e);
        }
    }

    /**
     * The container's stopGracefully only schedules its checks and returns: without this wait the
     * stop that follows would end calls in progress at once. Waits until no application has an
     * active session (the calls and transactions in progress have ended) or the grace is over.
     */
    private void awaitSessionsEnded(long graceMs) {
        long deadline = System.nanoTime() + graceMs * 1_000_000L;
        try {
            while (System.nanoTime() < deadline && activeSessions() > 0) Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int activeSessions() {
        int n = 0;
        for (var it = service.getSipApplicationDispatcher().findSipApplications(); it.hasNext(); ) {
            n += it.next().getSipManager().getActiveSipApplicationSessions();
        }
        return n;
    }

    private String darText(List<Path> archives) {
        StringBuilder b = new StringBuilder();
        List<String> apps = archives.stream().map(p -> p.getFileName().toString().replaceFirst("\\.(sar|war)$", "")).toList();
        for (String m : ROUTED_METHODS) {
            b.append(m).append(": ");
            for (int i = 0; i < apps.size(); i++) {
                if (i > 0) b.append(", ");
                b.append("(\"").append(apps.get(i)).append("\", \"DAR:From\", \"ORIGINATING\", \"\", \"NO_ROUTE\", \"").append(i).append("\")");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private Properties stackProperties(Path base) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "pushgate");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(settings.sipThreads()));
        p.setProperty(UdpListener.QUEUE_WAIT, Integer.toString(settings.sipQueueWaitMs()));
        p.setProperty(UdpListener.ANSWER_MEMORY, Integer.toString(settings.retransmissionMemoryMb()));
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MAX_LISTENER_RESPONSE_TIME", "120");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "4194304");
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "4194304");
        // A transaction drops its messages once answered. "Normal" (what AGGRESSIVE_CLEANUP gives) keeps
        // their bytes instead, then parses them again when the transaction ends, only to drop them:
        // a quarter of what a gateway allocated (docs/container.md).
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Aggressive");
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME", ExecutorSipTimer.class.getName());
        p.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "false");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", WatchedProcessorFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StackValves.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", StrictMessageParser.Factory.class.getName());
        // The stack would rewrite a WebSocket client's ".invalid" Via and Contact to its socket address;
        // browsers (SIP.js) then drop every response, and the contact would not be stored as sent.
        // The registrar keeps the socket address beside the binding instead (RFC 7118 section 5).
        p.setProperty("gov.nist.javax.sip.PATCH_SIP_WEBSOCKETS_HEADERS", "false");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("org.mobicents.servlet.sip.SERVER_HEADER", "Pushgate");
        if (settings.tlsPort() > 0 || settings.wssPort() > 0) {
            p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", SipTlsManagers.class.getName());
            p.setProperty(SipTlsManagers.CERTIFICATE, settings.tlsCertificate().toString());
            p.setProperty(SipTlsManagers.KEY, settings.tlsKey().toString());
            p.setProperty(SipTlsManagers.TRUST, settings.tlsTrust().toString());
            // The stack's defaults offer TLS 1.0 and 1.1 and four suites, two of them anonymous and
            // none forward-secret; this is TLS 1.2 with ephemeral keys only. Not TLS 1.3: the
            // stack's secure WebSocket channel loses browsers' connections over it (BrowserCallTest).
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2");
            p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(", ", TLS_SUITES));
            // Phones present no certificate. Not "DisabledAll": that also makes the stack trust any
            // certificate a peer shows when we connect out.
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        }
        return p;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
