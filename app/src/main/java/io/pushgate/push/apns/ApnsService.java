package io.pushgate.push.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.pushgate.config.ConfigException;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import io.pushgate.push.PushService;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * APNs over HTTP/2 through Pushy, one client per app (bundle id) and environment. Each app is a
 * {@code <bundle-id>.properties} file in the [push-apns] directory (docs/push.md).
 */
final class ApnsService implements PushService {
    private static final Logger log = LoggerFactory.getLogger(ApnsService.class);

    private record AppKey(String bundleId, boolean production) {}

    /** One app's credentials as read from its file: a token signing key, or a client certificate. */
    record App(String bundleId, boolean production, ApnsSigningKey signingKey, Path certificate, String certificatePassword) {}

    private final Map<AppKey, ApnsClient> clients = new HashMap<>();

    ApnsService(ApnsSettings settings, int timeoutSeconds) {
        for (App app : readApps(settings)) {
            clients.put(new AppKey(app.bundleId(), app.production()), client(app, settings, timeoutSeconds));
            log.info("APNs: app {} ({}) ready", app.bundleId(), app.production() ? "production" : "development");
        }
    }

    /**
     * Reads every app file and the key or certificate it names, without connecting anywhere: what
     * check-config verifies and the service is then built from. A bad file is a ConfigException.
     */
    static List<App> readApps(ApnsSettings settings) {
        Path dir = settings.dir();
        if (dir.toString().isEmpty() || !Files.isDirectory(dir)) {
            log.info("APNs: no app directory at {}, APNs pushes disabled", dir);
            return List.of();
        }
        List<App> apps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                String bundle = f.getFileName().toString().replaceFirst("\\.properties$", "");
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                boolean production = !"development".equalsIgnoreCase(p.getProperty("environment", "production"));
                apps.add(app(bundle, production, f, dir, p));
            }
        } catch (IOException e) {
            throw new ConfigException(ApnsSettings.DIR.qualifiedName(), "cannot read " + dir + ": " + e.getMessage());
        }
        return apps;
    }

    private static App app(String bundle, boolean production, Path file, Path dir, Properties p) {
        String where = file.toString();
        String auth = p.getProperty("auth", "token");
        try {
            if (auth.equals("token")) {
                Path key = dir.resolve(need(p, "key-file", where));
                return new App(bundle, production, ApnsSigningKey.loadFromPkcs8File(key.toFile(), need(p, "team-id", where), need(p, "key-id", where)),
                        null, null);
            }
            if (auth.equals("certificate")) {
                Path cert = dir.resolve(need(p, "certificate-file", where));
                String password = p.getProperty("password", "");
                try (java.io.InputStream in = Files.newInputStream(cert)) {
                    java.security.KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
                }
                return new App(bundle, production, null, cert, password);
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException(ApnsSettings.DIR.qualifiedName(), where + ": " + e.getMessage());
        }
        throw new ConfigException(ApnsSettings.DIR.qualifiedName(), where + ": auth must be token or certificate, not " + auth);
    }

    /** The earliest notAfter of the certificates in the app's .p12, or null when it has none. */
    static Instant certificateExpiry(App app) {
        try (java.io.InputStream in = Files.newInputStream(app.certificate())) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(in, app.certificatePassword().toCharArray());
            Instant earliest = null;
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof java.security.cert.X509Certificate c) {
                    Instant t = c.getNotAfter().toInstant();
                    if (earliest == null || t.isBefore(earliest)) earliest = t;
                }
            }
            return earliest;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException(ApnsSettings.DIR.qualifiedName(), app.certificate() + ": " + e.getMessage());
        }
    }

    private static ApnsClient client(App app, ApnsSettings s, int timeoutSeconds) {
        try {
            ApnsClientBuilder b = new ApnsClientBuilder();
            if (s.server().isEmpty()) {
                b.setApnsServer(app.production() ? ApnsClientBuilder.PRODUCTION_APNS_HOST : ApnsClientBuilder.DEVELOPMENT_APNS_HOST);
            } else {
                int colon = s.server().lastIndexOf(':');
                b.setApnsServer(s.server().substring(0, colon), Integer.parseInt(s.server().substring(colon + 1)));
            }
            if (!s.trust().toString().isEmpty()) b.setTrustedServerCertificateChain(s.trust().toFile());
            if (app.signingKey() != null) b.setSigningKey(app.signingKey());
            else b.setClientCredentials(app.certificate().toFile(), app.certificatePassword());
            b.setConnectionTimeout(Duration.ofSeconds(timeoutSeconds));
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(ApnsSettings.DIR.qualifiedName(), app.bundleId() + ": " + e.getMessage());
        }
    }

    private static String need(Properties p, String key, String where) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new ConfigException(ApnsSettings.DIR.qualifiedName(), where + ": missing " + key);
        return v.trim();
    }

    @Override
    public boolean serves(PushParams target) {
        return target.isApns() && clients.containsKey(key(target));
    }

    private static AppKey key(PushParams t) {
        return new AppKey(t.bundleId(), t.provider().equals("apns"));
    }

    @Override
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        PushParams t = n.target();
        ApnsClient client = clients.get(key(t));
        // iOS kills apps that receive a VoIP push without reporting a call, so only calls go as VoIP;
        // a device that gave no VoIP token (legacy Linphone) gets its call as an alert.
        boolean voip = n.kind() == PushNotification.Kind.CALL && t.voipToken().isPresent() && !t.silent();
        String token = (voip ? t.voipToken() : t.remoteToken()).orElse(null);
        if (client == null || token == null) {
            return CompletableFuture.completedFuture(PushOutcome.refused("apns",
                    client == null ? "no credentials for " + t.bundleId() : "no " + (voip ? "voip" : "remote") + " token"));
        }
        boolean background = !voip && (t.silent() || n.kind() == PushNotification.Kind.REFRESH);
        SimpleApnsPayloadBuilder payload = new SimpleApnsPayloadBuilder();
        payload.addCustomProperty("call-id", n.callId());
        payload.addCustomProperty("caller", n.caller());
        payload.addCustomProperty("type", n.kind().token());
        if (background) {
            payload.setContentAvailable(true);
        } else if (!voip) {
            String locKey = n.kind() == PushNotification.Kind.MESSAGE ? t.msgStr() : n.kind() == PushNotification.Kind.CALL ? t.callStr() : null;
            if (locKey != null) {
                payload.setLocalizedAlertMessage(locKey, n.caller());
            } else {
                payload.setAlertTitle(switch (n.kind()) {
                    case CALL -> "Incoming call";
                    case MISSED_CALL -> "Missed call";
                    case ANSWERED_ELSEWHERE -> "Answered on another device";
                    case DECLINED_ELSEWHERE -> "Declined on another device";
                    default -> "New message";
                });
                payload.setAlertBody(n.caller());
            }
            payload.setSound("default");
        }
        String topic = voip ? t.bundleId() + ".voip" : t.bundleId();
        SimpleApnsPushNotification push = new SimpleApnsPushNotification(token, topic, payload.build(),
                Instant.now().plus(n.ttl()), background ? DeliveryPriority.CONSERVE_POWER : DeliveryPriority.IMMEDIATE,
                voip ? PushType.VOIP : background ? PushType.BACKGROUND : PushType.ALERT, n.collapseId(), null);
        CompletableFuture<PushOutcome> out = new CompletableFuture<>();
        client.sendNotification(push).whenComplete((response, failure) -> {
            if (failure != null) out.complete(PushOutcome.transientFailure("apns", failure.toString(), null));
            else if (response.isAccepted()) out.complete(PushOutcome.accepted("apns", String.valueOf(response.getApnsId())));
            else out.complete(outcome(response.getStatusCode(), response.getRejectionReason().orElse("rejected"),
                    response.getTokenInvalidationTimestamp().isPresent()));
        });
        return out;
    }

    /**
     * Apple's reasons (Handling notification responses from APNs): 410 and BadDeviceToken mean the
     * token is dead for this topic; the provider-token and certificate reasons mean our credentials
     * are; 429, 500 and 503 are worth a retry.
     */
    static PushOutcome outcome(int status, String reason, boolean invalidated) {
        if (status == 410 || invalidated || reason.equals("BadDeviceToken") || reason.equals("Unregistered")) {
            return PushOutcome.tokenGone("apns", reason);
        }
        if (reason.endsWith("ProviderToken") || reason.startsWith("BadCertificate")) return PushOutcome.credentials("apns", reason);
        if (status == 429 || status >= 500) return PushOutcome.transientFailure("apns", status + " " + reason, null);
        return PushOutcome.refused("apns", reason);
    }

    @Override
    public void close() {
        // Wait for the clients to finish: the web application's class loader closes right after.
        for (ApnsClient c : clients.values()) {
            try {
                c.close().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("APNs client did not close cleanly: {}", e.toString());
            }
        }
    }
}
