package io.pushgate.push;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.pushgate.config.ConfigException;
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
 * {@code <bundle-id>.properties} file in the apns directory (docs/push.md).
 */
public final class ApnsService implements PushService {
    private static final Logger log = LoggerFactory.getLogger(ApnsService.class);

    private record AppKey(String bundleId, boolean production) {}

    /** One app's credentials as read from its file: a token signing key, or a client certificate. */
    record App(String bundleId, boolean production, ApnsSigningKey signingKey, Path certificate, String certificatePassword) {}

    private final Map<AppKey, ApnsClient> clients = new HashMap<>();

    public ApnsService(PushSettings settings) {
        for (App app : readApps(settings)) {
            clients.put(new AppKey(app.bundleId(), app.production()), client(app, settings));
            log.info("APNs: app {} ({}) ready", app.bundleId(), app.production() ? "production" : "development");
        }
    }

    /**
     * Reads every app file and the key or certificate it names, without connecting anywhere: what
     * check-config verifies and the service is then built from. A bad file is a ConfigException.
     */
    static List<App> readApps(PushSettings settings) {
        Path dir = settings.apnsDir();
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
            throw new ConfigException("push.apns-dir", "cannot read " + dir + ": " + e.getMessage());
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
            throw new ConfigException("push.apns-dir", where + ": " + e.getMessage());
        }
        throw new ConfigException("push.apns-dir", where + ": auth must be token or certificate, not " + auth);
    }

    private static ApnsClient client(App app, PushSettings s) {
        try {
            ApnsClientBuilder b = new ApnsClientBuilder();
            if (s.apnsServer().isEmpty()) {
                b.setApnsServer(app.production() ? ApnsClientBuilder.PRODUCTION_APNS_HOST : ApnsClientBuilder.DEVELOPMENT_APNS_HOST);
            } else {
                int colon = s.apnsServer().lastIndexOf(':');
                b.setApnsServer(s.apnsServer().substring(0, colon), Integer.parseInt(s.apnsServer().substring(colon + 1)));
            }
            if (!s.apnsTrust().toString().isEmpty()) b.setTrustedServerCertificateChain(s.apnsTrust().toFile());
            if (app.signingKey() != null) b.setSigningKey(app.signingKey());
            else b.setClientCredentials(app.certificate().toFile(), app.certificatePassword());
            b.setConnectionTimeout(Duration.ofSeconds(s.timeoutSeconds()));
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("push.apns-dir", app.bundleId() + ": " + e.getMessage());
        }
    }

    private static String need(Properties p, String key, String where) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new ConfigException("push.apns-dir", where + ": missing " + key);
        return v.trim();
    }

    @Override
    public boolean serves(PushParams target) {
        return target.isApns() && clients.containsKey(key(target));
    }

    private static AppKey key(PushParams t) {
        return new AppKey(t.bundleId(), t.providerKind() == PushParams.Provider.APNS);
    }

    @Override
    public CompletableFuture<PushOutcome> send(PushNotification n) {
        PushParams t = n.target();
        ApnsClient client = clients.get(key(t));
        boolean voip = n.kind() == PushNotification.Kind.CALL;
        // iOS kills apps that receive a VoIP push without reporting a call, so alerts never go as VoIP.
        String token = (voip ? t.voipToken() : t.remoteToken()).orElse(null);
        if (client == null || token == null) {
            return CompletableFuture.completedFuture(PushOutcome.refused("apns",
                    client == null ? "no credentials for " + t.bundleId() : "no " + (voip ? "voip" : "remote") + " token"));
        }
        String topic = voip ? t.bundleId() + ".voip" : t.bundleId();
        SimpleApnsPayloadBuilder payload = new SimpleApnsPayloadBuilder();
        payload.addCustomProperty("call-id", n.callId());
        payload.addCustomProperty("caller", n.caller());
        payload.addCustomProperty("type", n.kind().name().toLowerCase());
        if (!voip) {
            payload.setAlertTitle(n.kind() == PushNotification.Kind.MISSED_CALL ? "Missed call" : "New message");
            payload.setAlertBody(n.caller());
            payload.setSound("default");
        }
        SimpleApnsPushNotification push = new SimpleApnsPushNotification(token, topic, payload.build(),
                Instant.now().plus(n.ttl()), DeliveryPriority.IMMEDIATE, voip ? PushType.VOIP : PushType.ALERT,
                n.collapseId(), null);
        CompletableFuture<PushOutcome> out = new CompletableFuture<>();
        client.sendNotification(push).whenComplete((response, failure) -> {
            if (failure != null) out.complete(PushOutcome.refused("apns", failure.toString()));
            else if (response.isAccepted()) out.complete(PushOutcome.accepted("apns", String.valueOf(response.getApnsId())));
            else if (response.getStatusCode() == 410 || response.getTokenInvalidationTimestamp().isPresent()) {
                out.complete(PushOutcome.tokenGone("apns", response.getRejectionReason().orElse("Unregistered")));
            } else out.complete(PushOutcome.refused("apns", response.getRejectionReason().orElse("rejected")));
        });
        return out;
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
