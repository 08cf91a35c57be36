package io.pushgate.push.fcm;

import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * How FCM's answers are read, against an HTTP stand-in for Google's token endpoint and the HTTP v1
 * API (Google's servers cannot run here): only UNREGISTERED marks a token as gone for good.
 */
public class FcmServiceTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private static final String PROJECT = "unit-project";
    private static final String NOT_FOUND = "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"";

    private HttpServer google;
    private ExecutorService executor;
    private FcmService fcm;

    @Before
    public void start() throws Exception {
        google = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        google.createContext("/token", ex -> reply(ex, 200, "{\"access_token\":\"t\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"));
        google.createContext("/v1/projects/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains("\"uninstalled\"")) {
                reply(ex, 404, NOT_FOUND + ",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
                        + "\"errorCode\":\"UNREGISTERED\"}]}}");
            } else if (body.contains("\"quota\"")) {
                ex.getResponseHeaders().set("Retry-After", "7");
                reply(ex, 429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}");
            } else if (body.contains("\"garbage\"")) {
                reply(ex, 400, "{\"error\":{\"code\":400,\"message\":\"The registration token is not a valid FCM registration token\","
                        + "\"status\":\"INVALID_ARGUMENT\"}}");
            } else if (body.contains("\"crash\"")) {
                reply(ex, 503, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}");
            } else if (ex.getRequestURI().getPath().contains("/" + PROJECT + "/")) {
                reply(ex, 200, "{\"name\":\"projects/" + PROJECT + "/messages/1\"}");
            } else {
                reply(ex, 404, NOT_FOUND + "}}"); // a project this account does not have
            }
        });
        google.start();
        String base = "http://127.0.0.1:" + google.getAddress().getPort();
        Path dir = tmp.newFolder().toPath();
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getEncoder().encodeToString(keys.generateKeyPair().getPrivate().getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
        String account = "{\"type\":\"service_account\",\"project_id\":\"%s\",\"private_key_id\":\"k\",\"private_key\":\"%s\","
                + "\"client_email\":\"p@%s.iam.gserviceaccount.com\",\"client_id\":\"1\",\"token_uri\":\"%s/token\"}";
        Files.writeString(dir.resolve(PROJECT + ".json"), account.formatted(PROJECT, pem, PROJECT, base));
        // the same account under a second name whose URL the stand-in does not know
        Files.writeString(dir.resolve("other-project.json"), account.formatted(PROJECT, pem, PROJECT, base));
        executor = Executors.newFixedThreadPool(2);
        fcm = new FcmService(new FcmSettings(dir, base), 5, executor);
    }

    @After
    public void stop() throws Exception {
        google.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private PushOutcome send(String project, String token) throws Exception {
        PushNotification n = new PushNotification(PushNotification.Kind.CALL, new PushParams("fcm", token, project, null),
                "sip:alice@example.org", "sip:bob@example.org", "call-1", Duration.ofSeconds(30));
        return fcm.send(n).get(10, TimeUnit.SECONDS);
    }

    @Test
    public void acceptedPush() throws Exception {
        assertTrue(send(PROJECT, "good").accepted());
    }

    @Test
    public void unregisteredTokenIsGoneForGood() throws Exception {
        PushOutcome o = send(PROJECT, "uninstalled");
        assertFalse(o.accepted());
        assertTrue(o.reason(), o.tokenGone());
        assertTrue("the provider's words are kept for the log: " + o.reason(), o.reason().startsWith("HTTP 404") && o.reason().contains("UNREGISTERED"));
    }

    @Test
    public void notFoundWithoutUnregisteredIsARefusalNotADeadToken() throws Exception {
        PushOutcome o = send("other-project", "good");
        assertFalse(o.accepted());
        assertFalse("a wrong project must not make devices forgotten: " + o.reason(), o.tokenGone());
        assertTrue(o.reason(), o.reason().contains("NOT_FOUND"));
    }

    @Test
    public void quotaIsTransientWithItsRetryAfter() throws Exception {
        PushOutcome o = send(PROJECT, "quota");
        assertEquals(PushOutcome.Status.TRANSIENT, o.status());
        assertEquals(Duration.ofSeconds(7), o.retryAfter());
        assertEquals("fcm", o.provider());
        assertTrue(o.reason(), o.reason().startsWith("HTTP 429"));
    }

    @Test
    public void unavailableIsTransient() throws Exception {
        assertEquals(PushOutcome.Status.TRANSIENT, send(PROJECT, "crash").status());
    }

    @Test
    public void aTokenThatNeverWasOneIsGone() throws Exception {
        assertEquals(PushOutcome.Status.TOKEN_GONE, send(PROJECT, "garbage").status());
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
