package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Provisioning over the real server's two HTTP listeners: the management API with its keys and
 * scopes, an account it creates registering from baresip, the sip:carrier launcher link checked
 * against openssl and its redirect as Chromium sees it, and Linphone's remote provisioning with a
 * real linphonec, its QR code decoded back.
 */
public class ProvisioningTest {
    private static final String KEY_HEX = HexFormat.of().formatHex("iBmTdavJ8joPW3HO".getBytes(StandardCharsets.US_ASCII));
    private static final String IV_HEX = HexFormat.of().formatHex("tww21lQe6cmywrp3".getBytes(StandardCharsets.US_ASCII));
    private static final HttpClient HTTP = ManagementClient.HTTP;

    private static Path work;
    private static PushgateProcess server;
    private static ManagementClient management;
    private static String admin;
    private static String provision;
    private static String read;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("provisioning-it");
        server = new PushgateProcess("[management]\nmax-failures = 20\nlockout = 2\n");
        management = new ManagementClient(server);
        admin = management.addKey("admin", "admin");
        provision = management.addKey("crm", "provision");
        read = management.addKey("monitor", "read");
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    private static String management(String path) {
        return management.url(path);
    }

    private static String publicUrl(String path) {
        return "http://127.0.0.1:" + server.httpPort + "/pushgate" + path;
    }

    private static HttpResponse<String> api(String method, String path, String key, String json) throws Exception {
        return management.call(method, path, key, json);
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static String run(String input, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", command) + ": " + out, p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0);
        return out;
    }

    @Test
    public void anAccountMadeThroughTheApiRegistersFromARealPhone() throws Exception {
        HttpResponse<String> created = api("POST", "/api/v1/subscribers", provision, "{\"username\":\"frank\",\"password\":\"red-phone-pw-77\"}");
        assertEquals(created.body(), 201, created.statusCode());
        try (Baresip phone = new Baresip(work, "frank", "red-phone-pw-77", server.uri())) {
            phone.awaitRegistered(15);
            assertTrue("the API shows the binding", management.awaitRegistered("frank", read, 10));
            JsonObject device = json(api("GET", "/api/v1/subscribers/frank/devices", read, null)).getAsJsonArray("devices").get(0).getAsJsonObject();
            String id = device.get("id").getAsString();
            assertEquals(403, api("DELETE", "/api/v1/subscribers/frank/devices/" + id, provision, null).statusCode());
            assertEquals(204, api("DELETE", "/api/v1/subscribers/frank/devices/" + id, admin, null).statusCode());
            assertEquals("{\"devices\":[]}", api("GET", "/api/v1/subscribers/frank/devices", read, null).body());
            assertEquals(404, api("DELETE", "/api/v1/subscribers/frank/devices/" + id, admin, null).statusCode());
        }
        assertEquals(204, api("DELETE", "/api/v1/subscribers/frank", admin, null).statusCode());
        assertEquals(404, api("GET", "/api/v1/subscribers/frank", read, null).statusCode());
    }

    @Test
    public void eachSubscriberRouteOverHttp() throws Exception {
        HttpResponse<String> made = api("POST", "/api/v1/subscribers", provision,
                "{\"username\":\"george\",\"password\":\"a quiet secret\",\"email\":\"george@example.org\",\"push\":true}");
        assertEquals(made.body(), 201, made.statusCode());
        assertEquals("george@example.org", json(made).get("email").getAsString());
        assertTrue(json(made).get("push").getAsBoolean());
        assertEquals(409, api("POST", "/api/v1/subscribers", provision, "{\"username\":\"george\",\"password\":\"a quiet secret\"}").statusCode());
        assertEquals(405, api("PUT", "/api/v1/subscribers/george", admin, "{}").statusCode());
        assertEquals(400, api("POST", "/api/v1/subscribers", provision, "{not json").statusCode());

        HttpResponse<String> page = api("GET", "/api/v1/subscribers?limit=1&offset=0", read, null);
        assertEquals(1, json(page).getAsJsonArray("items").size());
        assertTrue(page.body(), json(page).get("total").getAsInt() >= 1);
        assertEquals(422, api("GET", "/api/v1/subscribers?limit=0", read, null).statusCode());
        // X-API-Key works as well as Bearer
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(management("/api/v1/subscribers/george"))).header("X-API-Key", read).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        assertEquals(422, api("PATCH", "/api/v1/subscribers/george", provision, "{\"password\":\"short\"}").statusCode());
        assertEquals(422, api("PATCH", "/api/v1/subscribers/george", provision, "{}").statusCode());
        HttpResponse<String> patched = api("PATCH", "/api/v1/subscribers/george", provision, "{\"push\":false,\"password\":\"another quiet one\"}");
        assertEquals(200, patched.statusCode());
        assertFalse(json(patched).get("push").getAsBoolean());

        assertEquals(200, api("POST", "/api/v1/subscribers/george/aliases", provision, "{\"name\":\"georgie\"}").statusCode());
        assertEquals(409, api("POST", "/api/v1/subscribers/george/aliases", provision, "{\"name\":\"george\"}").statusCode());
        assertEquals("{\"aliases\":[\"georgie\"]}", api("GET", "/api/v1/subscribers/george/aliases", read, null).body());
        assertEquals(204, api("DELETE", "/api/v1/subscribers/george/aliases/georgie", provision, null).statusCode());
        assertEquals(404, api("DELETE", "/api/v1/subscribers/george/aliases/georgie", provision, null).statusCode());

        assertEquals(422, api("POST", "/api/v1/subscribers/george/launcher-link", provision, "{\"password\":\"a quiet secret\"}").statusCode());
        HttpResponse<String> fresh = api("POST", "/api/v1/subscribers/george/launcher-link", provision, "{\"newPassword\":true}");
        assertEquals(200, fresh.statusCode());
        String password = json(fresh).get("password").getAsString();
        assertEquals(200, api("POST", "/api/v1/subscribers/george/launcher-link", provision, "{\"password\":\"" + password + "\"}").statusCode());
        assertEquals(404, api("POST", "/api/v1/subscribers/nobody/provisioning-link", provision, null).statusCode());
        assertEquals(200, api("GET", "/api/v1/remote-registrations", read, null).statusCode());
        assertEquals(404, api("GET", "/api/v1/remote-registrations/none", read, null).statusCode());

        assertEquals(204, api("DELETE", "/api/v1/subscribers/george", admin, null).statusCode());
        assertEquals(404, api("DELETE", "/api/v1/subscribers/george", admin, null).statusCode());
    }

    /** Last of its kind in this class: the server's lockout is short ([management] lockout = 2) so the others go on after it. */
    @Test
    public void aSourceThatKeepsFailingIsHeldOff() throws Exception {
        HttpResponse<String> r = null;
        for (int i = 0; i < 25 && (r == null || r.statusCode() == 401); i++) r = api("GET", "/api/v1/subscribers", "pgk_wrong", null);
        assertEquals(429, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        assertEquals("even a good key waits", 429, api("GET", "/api/v1/subscribers", read, null).statusCode());
        long deadline = System.currentTimeMillis() + 10_000;
        while (api("GET", "/api/v1/subscribers", read, null).statusCode() == 429 && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertEquals(200, api("GET", "/api/v1/subscribers", read, null).statusCode());
    }

    @Test
    public void keysScopesAndErrorsOverHttp() throws Exception {
        assertEquals(401, api("GET", "/api/v1/subscribers", null, null).statusCode());
        assertEquals(403, api("DELETE", "/api/v1/subscribers/nobody", provision, null).statusCode());
        assertEquals(404, api("GET", "/api/v1/subscribers/nobody", read, null).statusCode());
        assertEquals(415, HTTP.send(HttpRequest.newBuilder(URI.create(management("/api/v1/subscribers"))).header("Authorization", "Bearer " + provision)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> invalid = api("POST", "/api/v1/subscribers", provision, "{\"username\":\"a b\",\"password\":\"x\"}");
        assertEquals(422, invalid.statusCode());
        assertTrue(invalid.body(), json(invalid).getAsJsonObject("fields").has("username"));
        HttpResponse<String> openapi = api("GET", "/api/v1/openapi.json", null, null);
        assertEquals(200, openapi.statusCode());
        assertTrue(json(openapi).getAsJsonObject("paths").has("/api/v1/subscribers/{user}"));
        // each listener serves its own part only
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/api/v1/subscribers"))).header("Authorization", "Bearer " + admin)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(management("/sipphone?c=abc"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/webphone/index.html"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // the CLI's key is revoked: refused from then on
        assertEquals(0, server.command("api-key", "revoke", "monitor").exit());
        assertEquals(401, api("GET", "/api/v1/subscribers", read, null).statusCode());
        read = management.addKey("monitor2", "read");
    }

    @Test
    public void theLauncherLinkIsSipCarriersByteForByteAndRedirectsToTheApp() throws Exception {
        assertEquals(201, api("POST", "/api/v1/subscribers", provision, "{\"username\":\"gail\",\"password\":\"g@il's pw+1\"}").statusCode());
        JsonObject link = json(api("POST", "/api/v1/subscribers/gail/launcher-link", provision, "{\"password\":\"g@il's pw+1\"}"));
        String base64 = link.get("base64").getAsString();

        // openssl decrypts it to sip:carrier's clear string, and makes the same from that string
        String clear = "username=gail&server=localhost&password=g@il's pw+1";
        assertEquals(clear, run(base64 + "\n", "openssl", "enc", "-d", "-aes-128-cbc", "-K", KEY_HEX, "-iv", IV_HEX, "-base64", "-A"));
        assertEquals(base64, run(clear, "openssl", "enc", "-aes-128-cbc", "-K", KEY_HEX, "-iv", IV_HEX, "-base64", "-A").strip());
        String escaped = run(base64, "python3", "-c", "import sys, urllib.parse; print(urllib.parse.quote_plus(sys.stdin.read()), end='')");
        assertEquals(escaped, link.get("escaped").getAsString());
        assertEquals(publicUrl("/sipphone?c=" + escaped), link.get("url").getAsString());

        // the CLI prints the same, as sip:carrier's script does: the Base64 string, the escaped one, the link
        PushgateProcess.CommandResult cli = server.commandWithInput("g@il's pw+1\n", "zero-config-link", "gail");
        assertEquals(cli.output(), 0, cli.exit());
        assertEquals(List.of(base64, escaped, link.get("url").getAsString()), cli.output().lines().filter(l -> !l.startsWith("20")).toList());

        // Chromium opening the link gets the redirect to the app, not followed
        JsonObject seen = JsonParser.parseString(Browser.firstResponse(link.get("url").getAsString())).getAsJsonObject();
        assertEquals(301, seen.get("status").getAsInt());
        assertEquals("sipphone://" + base64, seen.get("location").getAsString());
        assertEquals("no-store", seen.get("cacheControl").getAsString());
        // not Base64 of whole AES blocks
        assertEquals(400, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/sipphone?c=" + base64.substring(4)))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertFalse("c never reaches the log", server.log().contains(base64.substring(0, 20)));
    }

    @Test
    public void linphoneConfiguresItselfFromASingleUseLinkAndRegisters() throws Exception {
        assertEquals(201, api("POST", "/api/v1/subscribers", provision, "{\"username\":\"hugo\",\"password\":\"linphone pass 9\"}").statusCode());
        HttpResponse<String> made = api("POST", "/api/v1/subscribers/hugo/provisioning-link", provision, null);
        assertEquals(201, made.statusCode());
        String url = json(made).get("url").getAsString();
        assertTrue(url, url.startsWith(publicUrl("/provisioning/")));
        byte[] png = Base64.getDecoder().decode(json(made).get("qrPng").getAsString().replaceFirst("^data:image/png;base64,", ""));
        String decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(ImageIO.read(new ByteArrayInputStream(png)))))).getText();
        assertEquals("the QR code is the link", url, decoded);

        try (Linphone linphone = Linphone.provisionedFrom(work, url)) {
            assertTrue("linphonec did not register:\n" + linphone.log(), management.awaitRegistered("hugo", read, 30));
            assertFalse("the clear password was never sent to it", linphone.log().contains("linphone pass 9"));
        }
        assertEquals("a used link is gone", 404, HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("an unknown one answers the same", 404, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/provisioning/nope"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
